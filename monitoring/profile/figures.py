"""A school's profile as its page shows it: the five groups of seed 000 (row 3), each field and
derived figure with this year's and last year's value."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from monitoring.models import SchoolProfile


def _share(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None
    return round(100 * part / whole, 1)


def _ratio(a: int | None, b: int | None) -> float | None:
    return None if a is None or not b else round(a / b, 1)


def _vacancy_share(p: SchoolProfile) -> float | None:
    if p.teachers_total is None or p.teacher_vacancies is None:
        return None
    return _share(p.teacher_vacancies, p.teachers_total + p.teacher_vacancies)


@dataclass(frozen=True)
class Figure:
    """A figure derived from one profile: a share or a ratio of two of its fields."""

    label: str
    compute: Callable[[SchoolProfile], float | None]
    kind: str  # "percent" or "ratio"
    better: int = 0  # +1: the higher the better, -1: the higher the worse, 0: neither


# The five groups of seed 000, row 3, with the fields entered and the figures that matter.
CATEGORIES: list[tuple[str, list[str], list[Figure]]] = [
    (
        "Кадровый состав",
        ["teachers_total", "teacher_vacancies", "teachers_young", "teachers_pension_age",
         "teachers_without_training", "staff_notes"],
        [
            Figure("доля вакансий от числа мест педагогов", _vacancy_share, "percent", -1),
            Figure("доля педагогов до 35 лет", lambda p: _share(p.teachers_young, p.teachers_total), "percent", 1),
            Figure("доля педагогов пенсионного возраста",
                   lambda p: _share(p.teachers_pension_age, p.teachers_total), "percent", -1),
            Figure("доля педагогов без повышения квалификации за 3 года",
                   lambda p: _share(p.teachers_without_training, p.teachers_total), "percent", -1),
        ],
    ),
    (
        "Контингент обучающихся",
        ["pupils_total", "pupils_disabled", "pupils_non_native_russian", "pupils_low_income",
         "pupils_registered", "pupils_notes"],
        [
            Figure("обучающихся на одного педагога", lambda p: _ratio(p.pupils_total, p.teachers_total), "ratio", -1),
            Figure("доля обучающихся с ОВЗ", lambda p: _share(p.pupils_disabled, p.pupils_total), "percent"),
            Figure("доля обучающихся, для которых русский язык не родной",
                   lambda p: _share(p.pupils_non_native_russian, p.pupils_total), "percent"),
            Figure("доля обучающихся из малообеспеченных семей",
                   lambda p: _share(p.pupils_low_income, p.pupils_total), "percent"),
            Figure("доля обучающихся на профилактическом учёте",
                   lambda p: _share(p.pupils_registered, p.pupils_total), "percent", -1),
        ],
    ),
    ("Учебно-методическое обеспечение", ["textbooks_percent", "materials_notes"], []),
    (
        "Материально-техническая база",
        ["shifts", "premises_condition", "computers_for_pupils", "has_broadband", "premises_notes"],
        [
            Figure("обучающихся на один компьютер",
                   lambda p: _ratio(p.pupils_total, p.computers_for_pupils), "ratio", -1),
        ],
    ),
    ("Дополнительные факторы", ["other_factors"], []),
]  # fmt: skip
PROFILE_FIELDS = [name for _, names, _ in CATEGORIES for name in names]
BETTER = {"teachers_young": 1, "teacher_vacancies": -1, "teachers_without_training": -1,
          "textbooks_percent": 1, "computers_for_pupils": 1, "pupils_registered": -1}  # fmt: skip


def _number(value: float, kind: str, signed: bool = False) -> str:
    """12.5 -> «12,5 %», a change of -2.0 -> «−2 п.п.»: Russian decimal comma, no trailing «,0»."""
    text = f"{value:+.1f}" if signed else f"{value:.1f}"
    text = text.removesuffix(".0").replace(".", ",").replace("-", "−")
    if kind == "percent":
        return f"{text} {'п.п.' if signed else '%'}"
    return text


@dataclass
class ProfileRow:
    label: str
    current: object
    previous: object
    kind: str  # "number", "percent" (a share or a stored one), "ratio", "text", "note" (free text)
    better: int = 0
    derived: bool = False

    def show(self, value) -> str:
        if value is None or value == "":
            return "—"
        return value if self.kind in ("text", "note") else _number(value, self.kind)

    @property
    def current_display(self) -> str:
        return self.show(self.current)

    @property
    def previous_display(self) -> str:
        return self.show(self.previous)

    @property
    def change(self) -> float | None:
        if self.kind in ("text", "note") or self.current is None or self.previous is None:
            return None
        return round(self.current - self.previous, 1)

    @property
    def change_display(self) -> str:
        if self.change is None:
            return ""
        return _number(self.change, self.kind, signed=True) if self.change else "0"

    @property
    def tone(self) -> str:
        """success when the change is for the better, danger when for the worse."""
        if not self.change or not self.better:
            return ""
        return "success" if (self.change > 0) == (self.better > 0) else "danger"


@dataclass
class ProfileSection:
    title: str
    rows: list[ProfileRow]

    @property
    def has_figures(self) -> bool:
        return any(row.kind != "note" for row in self.rows)


def _field_value(profile: SchoolProfile | None, name: str):
    if profile is None:
        return None
    value = getattr(profile, name)
    if name == "has_broadband":
        return None if value is None else ("есть" if value else "нет")
    if name == "premises_condition":
        return profile.get_premises_condition_display() or None
    return value


def profile_sections(current: SchoolProfile | None, previous: SchoolProfile | None) -> list[ProfileSection]:
    """The five groups, each field and derived figure with this year's and last year's value."""
    sections = []
    for title, names, figures in CATEGORIES:
        rows = []
        for name in names:
            model_field = SchoolProfile._meta.get_field(name)
            internal = model_field.get_internal_type()
            if internal.endswith("IntegerField"):
                kind = "percent" if name == "textbooks_percent" else "number"
            else:
                kind = "note" if internal == "TextField" else "text"
            label = str(model_field.verbose_name).split(": ")[-1]
            values = _field_value(current, name), _field_value(previous, name)
            if kind == "note" and not any(values):
                continue
            rows.append(ProfileRow(label, *values, kind, BETTER.get(name, 0)))
        for figure in figures:
            values = [figure.compute(p) if p else None for p in (current, previous)]
            rows.append(ProfileRow(figure.label, *values, figure.kind, figure.better, derived=True))
        sections.append(ProfileSection(title, rows))
    return sections
