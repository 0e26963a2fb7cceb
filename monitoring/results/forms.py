"""Forms of school results: an exam result, olympiad participation, the XLSX upload."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone

from monitoring.models import ExamResult, OlympiadResult
from monitoring.results.services import FIRST_YEAR, normalise_subject, result_problems
from roadmaps.forms import BootstrapMixin
from schools.models import academic_year_label, academic_year_of
from schools.uploads import MAX_UPLOAD, UnsafeFile, check_size

NUMBER = {"inputmode": "decimal", "autocomplete": "off"}


def _percent(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs=NUMBER),
        error_messages={
            "invalid": "Введите число, например 12,5.",
            "min_value": "Процент — число от 0 до 100.",
            "max_value": "Процент — число от 0 до 100.",
            "max_digits": "Процент — число от 0 до 100.",
            "max_whole_digits": "Процент — число от 0 до 100.",
            "max_decimal_places": "Не больше двух знаков после запятой.",
        },
    )


class ExamResultForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(
        label="Год",
        min_value=FIRST_YEAR,
        error_messages={
            "required": "Укажите год.",
            "invalid": "Год — целое число, например 2025.",
            "min_value": f"Год — не раньше {FIRST_YEAR}.",
            "max_value": "Год — не позже %(limit_value)s: результаты вносятся за прошедшие процедуры.",
        },
        help_text="Год проведения: 2025 для 2024/2025 учебного года.",
    )
    exam = forms.ChoiceField(
        label="Процедура",
        choices=ExamResult.Exam.choices,
        error_messages={"required": "Выберите процедуру.", "invalid_choice": "Выберите ВПР, ОГЭ или ЕГЭ."},
    )
    subject = forms.CharField(
        label="Предмет",
        max_length=100,
        widget=forms.TextInput(attrs={"list": "subjects", "autocomplete": "off"}),
        error_messages={
            "required": "Укажите предмет.",
            "max_length": "Название предмета длиннее 100 знаков.",
        },
    )
    grade = forms.IntegerField(
        label="Класс",
        min_value=1,
        max_value=11,
        error_messages={
            "required": "Укажите класс.",
            "invalid": "Класс — число от 1 до 11.",
            "min_value": "Класс — число от 1 до 11.",
            "max_value": "Класс — число от 1 до 11.",
        },
    )
    participants = forms.IntegerField(
        label="Участников",
        min_value=1,
        max_value=100_000,
        error_messages={
            "required": "Укажите число участников.",
            "invalid": "Число участников — целое число.",
            "min_value": "Участников должно быть не меньше одного.",
            "max_value": "Слишком большое число участников.",
        },
    )
    average_score = forms.DecimalField(
        label="Средний балл",
        required=False,
        min_value=0,
        max_value=100,
        max_digits=6,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs=NUMBER),
        error_messages={
            "invalid": "Введите число, например 3,85.",
            "min_value": "Средний балл — число от 0 до 100.",
            "max_value": "Средний балл — число от 0 до 100.",
            "max_decimal_places": "Не больше двух знаков после запятой.",
        },
        help_text="ВПР и ОГЭ — средняя отметка, ЕГЭ — средний тестовый балл.",
    )
    failed_percent = _percent("% «2» (ЕГЭ: ниже порога)")
    high_percent = _percent("% «4» и «5» (ЕГЭ: 81+)")

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "exam")
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].validators.append(MaxValueValidator(this_year))
        self.fields["year"].widget.attrs["max"] = this_year

    def clean_subject(self) -> str:
        return normalise_subject(self.cleaned_data["subject"])

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        problems = result_problems(
            cleaned["exam"],
            cleaned["grade"],
            cleaned.get("average_score"),
            cleaned.get("failed_percent"),
            cleaned.get("high_percent"),
        )
        for problem in problems:
            self.add_error(None, problem)
        return cleaned


def _count(label: str, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=100_000,
        required=required,
        error_messages={
            "required": "Укажите число.",
            "invalid": "Введите целое число.",
            "min_value": "Число не может быть отрицательным.",
            "max_value": "Слишком большое число.",
        },
    )


class OlympiadResultForm(BootstrapMixin, forms.Form):
    academic_year = forms.TypedChoiceField(
        label="Учебный год",
        coerce=int,
        error_messages={"invalid_choice": "Выберите учебный год из списка."},
    )
    level = forms.ChoiceField(
        label="Этап",
        choices=OlympiadResult.Level.choices,
        error_messages={"required": "Выберите этап.", "invalid_choice": "Выберите этап из списка."},
    )
    participants = _count("Участников")
    winners = _count("Победителей", required=False)
    prize_winners = _count("Призёров", required=False)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "olympiad")
        super().__init__(*args, **kwargs)
        current = academic_year_of(timezone.localdate())
        self.fields["academic_year"].choices = [
            (year, academic_year_label(year)) for year in range(current, current - 10, -1)
        ]

    def clean(self):
        cleaned = super().clean()
        cleaned["winners"] = cleaned.get("winners") or 0
        cleaned["prize_winners"] = cleaned.get("prize_winners") or 0
        participants = cleaned.get("participants")
        if participants is not None and cleaned["winners"] + cleaned["prize_winners"] > participants:
            self.add_error(
                "prize_winners", "Победителей и призёров вместе не может быть больше, чем участников."
            )
        return cleaned


class ResultsUploadForm(forms.Form):
    file = forms.FileField(
        label="Таблица с результатами",
        help_text=f"Таблица Excel (.xlsx) до {MAX_UPLOAD // 1024 // 1024} МБ.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
        error_messages={"required": "Выберите файл.", "empty": "Файл пустой."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)  # before a byte of it is read
        except UnsafeFile as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload
