"""Forms of the target indicators page: a value for a school and date; the numeric baseline and target."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from monitoring.models import IndicatorValue
from roadmaps.forms import BootstrapMixin
from roadmaps.models import TargetIndicator
from schools.models import Organisation

WHOLE_ROADMAP = ""
NUMBER = {"inputmode": "decimal", "autocomplete": "off"}


def _number(label: str, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=12,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs=NUMBER),
        error_messages={
            "invalid": "Введите число, например 84 или 84,5.",
            "max_digits": "Слишком большое число.",
            "max_decimal_places": "Не больше двух знаков после запятой.",
            "max_whole_digits": "Слишком большое число.",
        },
    )


class IndicatorValueForm(BootstrapMixin, forms.Form):
    """A value of an indicator for one school (or the roadmap as a whole) on a date.

    ``schools`` are the schools the value may be entered for; an empty choice means the roadmap
    as a whole when ``whole_roadmap`` is offered.
    """

    school = forms.ChoiceField(label="Школа", required=False)
    as_of = forms.DateField(
        label="По состоянию на",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Укажите дату.", "invalid": "Введите дату."},
    )
    value = _number("Значение")
    text = forms.CharField(
        label="Или словами",
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "например, «достигнуто»"}),
    )
    comment = forms.CharField(
        label="Комментарий",
        required=False,
        max_length=IndicatorValue._meta.get_field("comment").max_length,
        widget=forms.TextInput(attrs={"placeholder": "откуда взято значение"}),
    )

    def __init__(
        self, *args, indicator: TargetIndicator, schools: list[Organisation], whole_roadmap: bool, **kwargs
    ) -> None:
        # One form per indicator on the page: the prefix keeps their ids apart.
        super().__init__(*args, prefix=f"value-{indicator.pk}", **kwargs)
        self.schools = {str(s.pk): s for s in schools}
        choices = [(WHOLE_ROADMAP, "Дорожная карта в целом")] if whole_roadmap else []
        self.fields["school"].choices = choices + [(str(s.pk), s.name) for s in schools]
        self.fields["school"].error_messages["invalid_choice"] = (
            "Выберите школу из списка школ дорожной карты."
        )
        if not whole_roadmap:
            self.fields["school"].required = True
            self.fields["school"].error_messages["required"] = "Выберите школу."
        if not self.is_bound:
            self.initial.setdefault("as_of", timezone.localdate())

    def clean_school(self) -> Organisation | None:
        chosen = self.cleaned_data["school"]
        return self.schools[chosen] if chosen else None

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of > timezone.localdate():
            raise forms.ValidationError("Значение вносится на прошедшую или сегодняшнюю дату, не на будущую.")
        return as_of

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("value") is None
            and not cleaned.get("text", "").strip()
            and "value" not in self.errors
        ):
            self.add_error("value", "Укажите значение числом или словами.")
        return cleaned


class IndicatorTargetForm(BootstrapMixin, forms.ModelForm):
    """The numbers an indicator is measured against: the document gives them in words."""

    baseline_value = _number("Базовое значение")
    target_value = _number("Целевое значение")

    class Meta:
        model = TargetIndicator
        fields = ["unit", "baseline_value", "target_value", "higher_is_better"]
        widgets = {"unit": forms.TextInput(attrs={"placeholder": "%, чел., балл"})}

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", f"target-{kwargs['instance'].pk}")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        baseline, target = cleaned.get("baseline_value"), cleaned.get("target_value")
        higher = cleaned.get("higher_is_better")
        if baseline is None or target is None:
            if (baseline is None) != (target is None) and not self.errors:
                raise forms.ValidationError(
                    "Укажите и базовое, и целевое значение — или оставьте оба пустыми."
                )
            return cleaned
        if baseline == target:
            self.add_error(
                "target_value", "Целевое значение совпадает с базовым: прогресс не от чего отсчитывать."
            )
        elif higher and target < baseline:
            self.add_error(
                "target_value",
                "Целевое значение меньше базового, а показатель должен расти. "
                "Снимите отметку «чем больше, тем лучше» или исправьте значения.",
            )
        elif not higher and target > baseline:
            self.add_error(
                "target_value",
                "Целевое значение больше базового, а показатель должен снижаться. "
                "Отметьте «чем больше, тем лучше» или исправьте значения.",
            )
        return cleaned
