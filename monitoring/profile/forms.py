"""Forms of the school profile, the school's risk levels and an activity's risk factors."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from monitoring.models import RiskFactor, SchoolProfile, SchoolRisk
from monitoring.profile.figures import PROFILE_FIELDS
from roadmaps.forms import BootstrapMixin

# (part, whole, how the part is called): a part cannot be larger than its whole.
PARTS = [
    ("teacher_vacancies", "teachers_total", "Вакансий"),
    ("teachers_young", "teachers_total", "Педагогов до 35 лет"),
    ("teachers_pension_age", "teachers_total", "Педагогов пенсионного возраста"),
    ("teachers_without_training", "teachers_total", "Педагогов без повышения квалификации"),
    ("pupils_disabled", "pupils_total", "Обучающихся с ОВЗ"),
    ("pupils_non_native_russian", "pupils_total", "Обучающихся, для которых русский язык не родной,"),
    ("pupils_low_income", "pupils_total", "Обучающихся из малообеспеченных семей"),
    ("pupils_registered", "pupils_total", "Обучающихся на профилактическом учёте"),
]


class SchoolProfileForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = SchoolProfile
        fields = PROFILE_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in ["staff_notes", "pupils_notes", "materials_notes", "premises_notes", "other_factors"]
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["textbooks_percent"].validators += [
            MaxValueValidator(100, "Обеспеченность учебниками — не больше 100 %%.")
        ]
        self.fields["shifts"].validators += [
            MinValueValidator(1, "Школа работает хотя бы в одну смену."),
            MaxValueValidator(3, "Смен бывает не больше трёх."),
        ]
        broadband = forms.NullBooleanSelect(attrs={"class": "form-select"})
        broadband.choices = [("unknown", "не указано"), ("true", "есть"), ("false", "нет")]
        self.fields["has_broadband"].widget = broadband

    def clean(self) -> dict:
        data = super().clean()
        for part, whole, called in PARTS:
            if data.get(part) is not None and data.get(whole) is not None and data[part] > data[whole]:
                self.add_error(
                    part,
                    f"{called} не может быть больше, чем {self.fields[whole].label.lower()} ({data[whole]}).",
                )
        young, old, total = (
            data.get(n) for n in ("teachers_young", "teachers_pension_age", "teachers_total")
        )
        if None not in (young, old, total) and young + old > total:
            self.add_error(
                "teachers_pension_age",
                f"Педагогов до 35 лет и пенсионного возраста вместе ({young + old}) больше, "
                f"чем педагогов всего ({total}).",
            )
        return data


class SchoolRisksForm(forms.Form):
    """One level and note per factor of the catalogue; an empty level means «не оценивался»."""

    LEVEL_CHOICES = [("", "не оценивался"), *SchoolRisk.Level.choices]

    def __init__(self, *args, factors: list[RiskFactor], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.factors = factors
        for factor in factors:
            self.fields[f"level_{factor.pk}"] = forms.ChoiceField(
                label=f"{factor.code}. {factor.name}",
                choices=self.LEVEL_CHOICES,
                required=False,
                initial=getattr(factor, "level", None) or "",
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"note_{factor.pk}"] = forms.CharField(
                label="Примечание",
                required=False,
                max_length=1000,
                initial=getattr(factor, "note", None) or "",
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )

    def rows(self):
        for factor in self.factors:
            yield factor, self[f"level_{factor.pk}"], self[f"note_{factor.pk}"]

    def clean(self) -> dict:
        data = super().clean()
        for factor in self.factors:
            if data.get(f"note_{factor.pk}") and not data.get(f"level_{factor.pk}"):
                self.add_error(f"level_{factor.pk}", "Укажите уровень: примечание без уровня не сохранится.")
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] += " is-invalid"
        return data

    def levels(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {f.pk: (data[f"level_{f.pk}"], data[f"note_{f.pk}"].strip()) for f in self.factors}


class ActivityRisksForm(forms.Form):
    factors = forms.ModelMultipleChoiceField(
        label="Факторы риска, на которые направлено мероприятие",
        queryset=RiskFactor.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
