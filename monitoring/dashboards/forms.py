from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms

from monitoring.dashboards.queries import SCHOOL_SORTS
from schools.models import academic_year_label, academic_year_of


@dataclass(frozen=True)
class Filters:
    on: date
    year: int | None
    sort: str
    mine: bool


class DashboardForm(forms.Form):
    """The «as of» day, the academic year and, for a coordinator, their own schools or all."""

    on = forms.DateField(
        label="На дату",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": "Введите дату в формате ГГГГ-ММ-ДД, например 2026-03-01. Показано на сегодня."
        },
    )
    year = forms.TypedChoiceField(
        label="Учебный год",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Такого учебного года в списке нет; показаны все годы."},
    )
    sort = forms.ChoiceField(
        label="Порядок",
        required=False,
        choices=[(key, key) for key in SCHOOL_SORTS],
        error_messages={"invalid_choice": "Неизвестный порядок; школы упорядочены по просроченному."},
    )
    schools = forms.ChoiceField(
        label="Школы",
        required=False,
        choices=[("mine", "Мои школы"), ("all", "Все школы муниципалитета")],
        error_messages={"invalid_choice": "Неизвестный выбор школ; показаны закреплённые за вами."},
    )

    def __init__(self, *args, today: date, can_narrow: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.can_narrow = can_narrow
        current = academic_year_of(today)
        self.fields["year"].choices = [("", "Все годы")] + [
            (year, academic_year_label(year)) for year in range(current + 1, current - 8, -1)
        ]
        if not can_narrow:
            del self.fields["schools"]

    def clean_on(self) -> date | None:
        on = self.cleaned_data["on"]
        if on is not None and not date(2000, 1, 1) <= on <= date(2100, 12, 31):
            raise forms.ValidationError("Дата должна быть между 2000 и 2100 годом. Показано на сегодня.")
        return on

    def filters(self) -> Filters:
        """The valid choices; a field with a mistake falls back to its default (the form says why)."""
        self.is_valid()
        data = self.cleaned_data  # only the fields without errors
        return Filters(
            on=data.get("on") or self.today,
            year=data.get("year"),
            sort=data.get("sort") or "overdue",
            mine=self.can_narrow and data.get("schools") != "all",
        )
