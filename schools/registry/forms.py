from __future__ import annotations

import json
import zoneinfo

from django import forms

from schools.models import (
    CoordinatorAssignment,
    MentorPair,
    Municipality,
    Organisation,
    SchoolStatus,
    academic_year_label,
    validate_inn,
)
from schools.registry.services import SchoolCard

RUSSIAN_ZONES = sorted(z for z in zoneinfo.available_timezones() if z.startswith(("Europe/", "Asia/")))


class Styled(forms.Form):
    """Bootstrap's classes on the widgets, and the invalid ones marked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(f.widget, forms.Select)
                else "form-control form-control-sm"
            )
            f.widget.attrs.setdefault("class", css)
            if isinstance(f, forms.ModelChoiceField):
                f.empty_label = "— выберите —"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"


def year_choices(years: list[int]) -> list[tuple[int, str]]:
    return [(y, academic_year_label(y)) for y in years]


class MunicipalityForm(Styled):
    name = forms.CharField(label="Название муниципалитета", max_length=200)
    timezone = forms.ChoiceField(label="Часовой пояс", choices=[(z, z) for z in RUSSIAN_ZONES])
    department_name = forms.CharField(
        label="Полное название органа управления образованием",
        max_length=500,
        help_text="Например: «Управление образования г. Таганрога».",
    )

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Municipality.objects.filter(region=self.region, name__iexact=name).exists():
            raise forms.ValidationError("В регионе уже есть муниципалитет с таким названием.")
        return name


class SchoolForm(Styled):
    name = forms.CharField(label="Полное название", max_length=500)
    short_name = forms.CharField(label="Краткое название", max_length=200, required=False)
    inn = forms.CharField(label="ИНН", max_length=12, required=False, validators=[validate_inn])
    address = forms.CharField(label="Адрес", max_length=500, required=False)
    email = forms.EmailField(label="Электронная почта", required=False)
    website = forms.URLField(label="Сайт", required=False, assume_scheme="https")
    director_name = forms.CharField(
        label="Директор (ФИО)", max_length=200, required=False, help_text="Как в документах: «Баркалова Е.В.»"
    )
    director_email = forms.EmailField(label="Электронная почта директора", required=False)
    # The card as it was when the form was opened (``fingerprint``): a save over someone
    # else's newer change is refused; what this user changed is kept, the rest is the newer card.
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, municipality: Municipality, school: Organisation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality, self.school = municipality, school
        self.fields["inn"].error_messages["max_length"] = (
            "ИНН — 10 цифр (у организации) или 12 (у физического лица)."
        )

    def _others(self):
        others = Organisation.objects.filter(municipality=self.municipality)
        return others.exclude(pk=self.school.pk) if self.school else others

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if self._others().filter(name=name).exists():
            raise forms.ValidationError("В муниципалитете уже есть организация с таким названием.")
        return name

    def clean_inn(self) -> str:
        inn = self.cleaned_data["inn"].strip()
        if inn and (other := self._others().filter(inn=inn).first()):
            raise forms.ValidationError(f"Этот ИНН уже указан у школы «{other}».")
        return inn

    def card(self) -> SchoolCard:
        return SchoolCard(**{k: v for k, v in self.cleaned_data.items() if k != "seen"})

    @staticmethod
    def fingerprint(card: dict) -> str:
        """The card's values (``initial_of``) as they were when the form was opened."""
        return json.dumps(card, sort_keys=True, ensure_ascii=False)

    def _seen(self) -> dict | None:
        try:
            seen = json.loads(self.cleaned_data.get("seen") or "null")
        except ValueError:
            return None
        return seen if isinstance(seen, dict) else None

    def is_stale(self, current: dict) -> bool:
        """Whether the card changed since this form was opened."""
        seen = self._seen()
        return seen is not None and seen != current

    def merged(self, current: dict) -> tuple[dict, list[str]]:
        """The form's data against the newer card: what this user changed is kept, the rest
        becomes the newer card's; and the fields both changed differently (to show them)."""
        seen = self._seen() or {}
        data, both = {}, []
        for name, now in current.items():
            typed = self.data.get(name, "")
            if typed == seen.get(name, ""):
                data[name] = now
            else:
                data[name] = typed
                if now != seen.get(name, "") and typed != now:
                    both.append(name)
        return data, both

    @classmethod
    def initial_of(cls, school: Organisation) -> dict:
        head = school.people.filter(is_head=True).first()
        fields = ("name", "short_name", "inn", "address", "email", "website")
        return {f: getattr(school, f) for f in fields} | {
            "director_name": head.full_name if head else "",
            "director_email": head.email if head else "",
        }


class StatusesForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, widget=forms.HiddenInput)
    kinds = forms.MultipleChoiceField(
        label="Статусы",
        choices=SchoolStatus.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class PairForm(Styled):
    mentor = forms.ModelChoiceField(label="Школа-наставник", queryset=Organisation.objects.none())
    mentee = forms.ModelChoiceField(label="Курируемая школа", queryset=Organisation.objects.none())
    year = forms.TypedChoiceField(label="Учебный год", coerce=int)

    def __init__(self, *args, municipality: Municipality, years: list[int], **kwargs):
        # Its own ids: the registry page shows it beside the coordinator's form, both with a «year».
        super().__init__(*args, auto_id="pair_%s", **kwargs)
        schools = Organisation.objects.schools().filter(municipality=municipality).order_by("name")
        self.fields["mentor"].queryset = self.fields["mentee"].queryset = schools
        self.fields["year"].choices = year_choices(years)

    def clean(self):
        data = super().clean()
        mentor, mentee, year = data.get("mentor"), data.get("mentee"), data.get("year")
        if mentor and mentee and mentor == mentee:
            raise forms.ValidationError("Школа не может быть наставником самой себе.")
        if (
            mentor
            and mentee
            and year
            and MentorPair.objects.filter(mentor=mentor, mentee=mentee, academic_year=year).exists()
        ):
            raise forms.ValidationError("Такая пара в этом учебном году уже есть.")
        return data


class CoordinatorForm(Styled):
    coordinator = forms.ModelChoiceField(label="Координатор", queryset=None)
    school = forms.ModelChoiceField(label="Школа", queryset=Organisation.objects.none())
    year = forms.TypedChoiceField(label="Учебный год", coerce=int)

    def __init__(self, *args, municipality: Municipality, candidates, years: list[int], **kwargs):
        super().__init__(*args, auto_id="coordinator_%s", **kwargs)
        self.fields["coordinator"].queryset = candidates
        self.fields["coordinator"].label_from_instance = lambda p: f"{p.full_name} — {p.organisation}"
        self.fields["school"].queryset = Organisation.objects.schools().filter(municipality=municipality)
        self.fields["year"].choices = year_choices(years)

    def clean(self):
        data = super().clean()
        if (
            all(data.get(f) for f in ("coordinator", "school", "year"))
            and CoordinatorAssignment.objects.filter(
                coordinator=data["coordinator"], school=data["school"], academic_year=data["year"]
            ).exists()
        ):
            raise forms.ValidationError("Этот координатор уже закреплён за школой в этом учебном году.")
        return data
