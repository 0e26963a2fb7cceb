"""One municipality's registry of schools as django-import-export reads it: each row of the
file is a school, its director and its statuses for one academic year.

django-import-export runs the rows (each in its savepoint), tells new, changed («update»),
unchanged («skip», reported with ``report_skipped``) and bad rows («invalid» for what the
file says wrong, «error» for what broke) and rolls the whole import back on a dry run or an
error. What a row means is ours:

1. The school: by ИНН when the row gives one, else by name (``school_key``: «МОБУ лицея № 7» is
   «МОБУ лицей № 7»), among the municipality's schools, read once before the first row.
2. An empty cell keeps what the portal has (a registry without e-mails erases none).
3. The director: a name other than the head's makes the old head an ordinary person
   (``is_head=False``, never deleted) and the named person the head, found by name among the
   school's people or created.
4. Statuses: when the file has a «Статус» column, it is the truth for the year each row names:
   listed statuses are added, the year's others removed (an empty cell: none that year).
   Without the column statuses are left alone.

Every write is a model save or delete, with ``_history_user``: the change history names who
imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from import_export import resources

from schools.models import (
    Municipality,
    Organisation,
    Person,
    SchoolStatus,
    academic_year_label,
    current_academic_year,
    validate_inn,
)
from schools.russian import fold, normalise_person_name, plain, school_key
from schools.services import as_user, director_set, statuses_set

Kind = SchoolStatus.Kind

# How the statuses are written in registries, compared ``plain``.
STATUS_WORDS = {
    plain(word): kind
    for kind, words in {
        Kind.LOW_RESULTS: [
            "ШНОР",
            "ШНОР — школа с низкими образовательными результатами",
            "школа с низкими образовательными результатами",
            "низкие результаты",
        ],
        Kind.UNFAVOURABLE: [
            "ШНСУ",
            "ШНСУ — школа в неблагоприятных социальных условиях",
            "школа в неблагоприятных социальных условиях",
            "неблагоприятные условия",
        ],
        Kind.MENTOR: ["Школа-наставник", "наставник", "школа наставник", "ШН"],
        Kind.RISK: [
            "риск снижения результатов",
            "риск снижения образовательных результатов",
            "риск",
            "в зоне риска",
            "Риск снижения образовательных результатов",
        ],
    }.items()
    for word in words
}
NO_STATUS = {"", "нет", "без статуса"}
# The short names a preview and a template use.
STATUS_LABELS = {
    Kind.LOW_RESULTS: "ШНОР",
    Kind.UNFAVOURABLE: "ШНСУ",
    Kind.MENTOR: "Школа-наставник",
    Kind.RISK: "Риск снижения результатов",
}
STATUS_SPLIT = re.compile(r"[,;/\n+]+|\s+и\s+")
YEAR_PAIR = re.compile(r"(\d{4})\s*(?:г\.?)?\s*[/\-–—]\s*(\d{2}|\d{4})\s*(?:г\.?|гг\.?|учебный год)?")
YEAR_ONE = re.compile(r"(\d{4})\s*(?:г\.?|год)?")

FIELD_TITLES = {
    "name": "Полное наименование",
    "short_name": "Краткое наименование",
    "inn": "ИНН",
    "address": "Адрес",
    "email": "E-mail школы",
}


def parse_statuses(text: str) -> set[str]:
    """«ШНОР, ШНСУ» -> {low_results, unfavourable}; raise ValueError for a word it does not know."""
    kinds: set[str] = set()
    if fold(text.strip()) in NO_STATUS or plain(text) == "":
        return kinds
    for word in STATUS_SPLIT.split(text):
        if not plain(word):
            continue
        kind = STATUS_WORDS.get(plain(word))
        if kind is None:
            raise ValueError(
                f"«Статус»: не знаю статуса «{word.strip()}». Можно: ШНОР, ШНСУ, Школа-наставник, "
                "риск снижения результатов (несколько — через запятую) или пусто."
            )
        kinds.add(kind)
    return kinds


def parse_year(text: str, *, today_year: int) -> int:
    """«2026/2027», «2026-2027», «2026-27», «2026» -> 2026; empty -> the current year."""
    text = text.strip()
    if not text:
        return today_year
    if match := YEAR_PAIR.fullmatch(text):
        start, end = int(match.group(1)), match.group(2)
        if int(end) not in (start + 1, (start + 1) % 100):
            raise ValueError(f"«Учебный год»: «{text}» — годы должны идти подряд, например 2026/2027.")
    elif match := YEAR_ONE.fullmatch(text):
        start = int(match.group(1))
    else:
        raise ValueError(f"«Учебный год»: не понимаю «{text}». Пишите 2026/2027, 2026-2027 или 2026.")
    if not 2000 <= start <= 2100:
        raise ValueError(f"«Учебный год»: {start} — неправдоподобный год.")
    return start


def statuses_text(kinds) -> str:
    return ", ".join(STATUS_LABELS[k] for k in Kind.values if k in kinds) or "—"


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class ParsedRow:
    """What one row of the file says, checked."""

    line: int
    name: str = ""
    short_name: str = ""
    inn: str = ""
    address: str = ""
    email: str = ""
    director: str = ""
    director_email: str = ""
    statuses: set[str] | None = None  # None: the file has no «Статус» column
    year: int = 0

    @property
    def statuses_label(self) -> str:
        """«ШНОР, Школа-наставник на 2026/2027», as the preview shows a new school's statuses."""
        if not self.statuses:
            return ""
        return f"{statuses_text(self.statuses)} на {academic_year_label(self.year)}"


@dataclass
class RowPreview:
    """A row as the preview shows it."""

    line: int
    kind: str  # "new", "update", "skip", "error"
    name: str
    changes: list[Change] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    parsed: ParsedRow | None = None  # a new school's row: its ИНН, director and statuses


class SchoolRegistryResource(resources.ModelResource):
    """The registry of ``municipality``: rows of keys from ``schools.imports.reading.COLUMNS``
    (the dataset's headers), each with its «line» in the file."""

    class Meta:
        model = Organisation
        fields = ["name", "short_name", "inn", "address", "email"]
        skip_unchanged = True
        report_skipped = True
        skip_diff = True  # the preview's changes are computed per field below
        use_transactions = True

    def __init__(self, *, municipality: Municipality, by, columns: set[str]) -> None:
        super().__init__()
        self.municipality = municipality
        self.by = by
        self.columns = columns
        self.today_year = current_academic_year()
        self.previews: list[RowPreview] = []

    # --- Reading the municipality once -----------------------------------------------------

    def before_import(self, dataset, **kwargs) -> None:
        organisations = list(Organisation.objects.filter(municipality=self.municipality))
        self.schools = [o for o in organisations if o.kind == Organisation.Kind.SCHOOL]
        self.names = {fold(o.name): o for o in organisations}
        self.by_inn = {o.inn: o for o in self.schools if o.inn}
        self.by_key: dict[tuple[str, str], list[Organisation]] = {}
        for school in self.schools:
            for key in {school_key(name) for name in (school.name, school.short_name) if name}:
                self.by_key.setdefault(key, []).append(school)
        self.people: dict[int, list[Person]] = {}
        for person in Person.objects.filter(organisation__in=[s.pk for s in self.schools]):
            self.people.setdefault(person.organisation_id, []).append(person)
        self.statuses: dict[tuple[int, int], dict[str, SchoolStatus]] = {}
        for status in SchoolStatus.objects.filter(school__in=[s.pk for s in self.schools]):
            self.statuses.setdefault((status.school_id, status.academic_year), {})[status.kind] = status
        self.seen: dict[object, int] = {}
        self.parsed: ParsedRow | None = None
        self.changes: list[Change] = []

    # --- One row -------------------------------------------------------------------------------

    def get_or_init_instance(self, instance_loader, row):
        self.parsed, self.changes = None, []
        parsed = self._parse(row)
        school = self._match(parsed)
        self.parsed = parsed
        if school is None:
            return Organisation(
                region_id=self.municipality.region_id,
                municipality=self.municipality,
                kind=Organisation.Kind.SCHOOL,
            ), True
        return school, False

    def _parse(self, row) -> ParsedRow:
        errors: list[str] = []
        parsed = ParsedRow(line=int(row["line"]))
        for key in ("name", "short_name", "address", "director"):
            setattr(parsed, key, row.get(key) or "")
        parsed.director = normalise_person_name(parsed.director)
        inn = re.sub(r"\s", "", row.get("inn") or "")
        if inn:
            try:
                validate_inn(inn)
                parsed.inn = inn
            except ValidationError as exc:
                errors.append(f"«ИНН» {inn}: {exc.messages[0]}")
        for key, title in (("email", "E-mail школы"), ("director_email", "E-mail директора")):
            value = (row.get(key) or "").strip()
            if value:
                try:
                    validate_email(value)
                    setattr(parsed, key, value.lower())
                except ValidationError:
                    errors.append(f"«{title}»: «{value}» — не адрес электронной почты.")
        if not parsed.name and not (parsed.inn and parsed.inn in self.by_inn):
            errors.append("Не указано «Полное наименование» школы.")
        if parsed.director_email and not parsed.director:
            errors.append("Указан «E-mail директора», но не указан «Директор (ФИО)».")
        try:
            parsed.year = parse_year(row.get("year") or "", today_year=self.today_year)
        except ValueError as exc:
            errors.append(str(exc))
        if "statuses" in self.columns:
            try:
                parsed.statuses = parse_statuses(row.get("statuses") or "")
            except ValueError as exc:
                errors.append(str(exc))
        if errors:
            raise ValidationError(errors)
        return parsed

    def _match(self, parsed: ParsedRow) -> Organisation | None:
        school = self.by_inn.get(parsed.inn) if parsed.inn else None
        if school is None and parsed.name:
            found = self.by_key.get(school_key(parsed.name), [])
            if len(found) > 1:
                exact = [s for s in found if fold(s.name) == fold(parsed.name)]
                if len(exact) != 1:
                    raise ValidationError(
                        f"Под «{parsed.name}» подходят несколько школ муниципалитета: укажите ИНН."
                    )
                found = exact
            school = found[0] if found else None
            if school and parsed.inn and school.inn and school.inn != parsed.inn:
                raise ValidationError(
                    f"Школа «{school.name}» записана на портале с ИНН {school.inn}, а в файле — "
                    f"{parsed.inn}. Проверьте ИНН."
                )
        name = parsed.name or (school.name if school else "")
        holder = self.names.get(fold(name))
        if holder is not None and holder != school:
            raise ValidationError(f"Название «{name}» уже носит другая организация муниципалитета.")
        # A row names its school by what it matched, its ИНН and its name: two rows that share
        # any of them are the same school.
        keys: list[object] = [("name", school_key(name))]
        if school:
            keys.append(school.pk)
        if parsed.inn:
            keys.append(("inn", parsed.inn))
        earlier = next((self.seen[k] for k in keys if k in self.seen), None)
        if earlier is not None:
            raise ValidationError(f"Эта школа уже есть в строке {earlier}: одна школа — одна строка.")
        self.seen.update(dict.fromkeys(keys, parsed.line))
        return school

    def import_instance(self, instance, row, **kwargs) -> None:
        parsed = self.parsed
        self.school_changed = instance.pk is None
        for key, title in FIELD_TITLES.items():
            new = getattr(parsed, key)
            old = getattr(instance, key)
            if new and new != old:
                setattr(instance, key, new)
                self.school_changed = True
                if instance.pk:
                    self.changes.append(Change(title, old or "—", new))
        if instance.pk is None:
            return
        head = self._head(instance)
        if parsed.director and (head is None or fold(head.full_name) != fold(parsed.director)):
            self.changes.append(Change("Директор", head.full_name if head else "—", parsed.director))
        elif head and parsed.director_email and parsed.director_email != head.email:
            self.changes.append(Change("E-mail директора", head.email or "—", parsed.director_email))
        if parsed.statuses is not None:
            old = set(self.statuses.get((instance.pk, parsed.year), {}))
            if old != parsed.statuses:
                self.changes.append(
                    Change(
                        f"Статус {academic_year_label(parsed.year)}",
                        statuses_text(old),
                        statuses_text(parsed.statuses),
                    )
                )

    def skip_row(self, instance, original, row, import_validation_errors=None) -> bool:
        return instance.pk is not None and not self.changes and not import_validation_errors

    def _head(self, school: Organisation) -> Person | None:
        return next((p for p in self.people.get(school.pk, []) if p.is_head), None)

    # --- Saving --------------------------------------------------------------------------------

    def do_instance_save(self, instance, is_create) -> None:
        if not self.school_changed:
            return  # only the director or the statuses change: no empty entry in its history
        as_user(instance, self.by).save(force_insert=is_create)

    def after_save_instance(self, instance, row, **kwargs) -> None:
        parsed = self.parsed
        if parsed.director:
            self._save_director(instance, parsed)
        if parsed.statuses is not None:
            self._save_statuses(instance, parsed)

    def _save_director(self, school: Organisation, parsed: ParsedRow) -> None:
        director_set(
            school=school,
            full_name=parsed.director,
            email=parsed.director_email,
            by=self.by,
            people=self.people.setdefault(school.pk, []),
        )

    def _save_statuses(self, school: Organisation, parsed: ParsedRow) -> None:
        statuses_set(
            school=school,
            year=parsed.year,
            kinds=parsed.statuses,
            by=self.by,
            current=self.statuses.setdefault((school.pk, parsed.year), {}),
        )

    def import_row(self, row, instance_loader, **kwargs):
        # Recorded here and not in ``after_import_row``, which bad rows never reach.
        row_result = super().import_row(row, instance_loader, **kwargs)
        kind = row_result.import_type if row_result.import_type in ("new", "update", "skip") else "error"
        errors: list[str] = []
        if row_result.validation_error is not None:
            errors = list(row_result.validation_error.messages)
        errors += [f"Строку не удалось сохранить: {error.error}" for error in row_result.errors]
        parsed = self.parsed
        name = (
            (parsed.name if parsed else "")
            or row_result.object_repr
            or row.get("name")
            or row.get("inn")
            or ""
        )
        new = parsed if kind == "new" else None
        self.previews.append(RowPreview(int(row["line"]), kind, name, list(self.changes), errors, new))
        return row_result
