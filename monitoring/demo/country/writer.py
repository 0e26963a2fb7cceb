"""Writing generated rows: one statement per table and chunk, primary keys counted here.

COPY (PostgreSQL), one executemany (any database), or ``bulk_create`` for comparison. None of
them sends signals, so django-simple-history writes no history rows for generated data.
"""

from __future__ import annotations

import csv
import io
import time

from django.contrib.auth import get_user_model
from django.db import connection, models

from monitoring.models import (
    ActivityRiskFactor,
    ExamResult,
    IndicatorValue,
    OlympiadResult,
    SchoolProfile,
    SchoolRisk,
)
from roadmaps.models import (
    Activity,
    CompletionMark,
    DeadlineWindow,
    Executor,
    Roadmap,
    RoadmapSchool,
    Section,
    TargetIndicator,
)
from schools.models import (
    CoordinatorAssignment,
    Membership,
    MentorPair,
    Municipality,
    Organisation,
    Person,
    Region,
    SchoolStatus,
)

METHODS = ("copy", "insert", "bulk_create")


class Table:
    """Rows of one model waiting to be written, with primary keys counted here from the largest
    one in the table: the generated rows refer to each other without asking the database. Nothing
    else writes to a database being filled (a run is one transaction in a database of its own)."""

    def __init__(self, model: type[models.Model], columns: tuple[str, ...], first_id: int) -> None:
        self.model = model
        self.columns = ("id", *columns)
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        self.fields = [by_attname[c] for c in self.columns]
        # Every other column gets its model default (written out: COPY knows no Django defaults).
        self.rest = [f for f in model._meta.concrete_fields if f.attname not in self.columns]
        for f in self.rest:
            automatic = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            if automatic or (f.get_default() is None and not f.null):
                raise ValueError(f"{model.__name__}.{f.name} needs a value")
        self.next_id = first_id
        self.rows: list[tuple] = []
        self.count = 0
        self.seconds = 0.0

    def add(self, *values) -> int:
        pk = self.next_id
        self.next_id = pk + 1
        self.rows.append((pk, *values))
        return pk

    def flush(self, method: str) -> None:
        if not self.rows:
            return
        started = time.perf_counter()
        if method == "copy":
            self._copy()
        elif method == "insert":
            self._insert()
        else:
            self.model.objects.bulk_create(
                [self.model(**dict(zip(self.columns, row, strict=True))) for row in self.rows],
                batch_size=2000,
            )
        self.count += len(self.rows)
        self.rows = []
        self.seconds += time.perf_counter() - started

    def _copy(self) -> None:
        rest = tuple(f.get_db_prep_save(f.get_default(), connection) for f in self.rest)
        buffer = io.StringIO()
        # CSV: the C writer quotes what needs quoting; an empty unquoted field reads as NULL,
        # except in the text columns named in FORCE_NOT_NULL.
        csv.writer(buffer, lineterminator="\n").writerows(row + rest for row in self.rows)
        buffer.seek(0)
        fields = self.fields + self.rest
        quote = connection.ops.quote_name
        not_null = [quote(f.column) for f in fields if isinstance(f, models.CharField | models.TextField)]
        options = f", FORCE_NOT_NULL ({', '.join(not_null)})" if not_null else ""
        sql = (
            f"COPY {quote(self.model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
            f"FROM STDIN WITH (FORMAT csv{options})"
        )
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(sql, buffer)

    def _insert(self) -> None:
        fields = self.fields + self.rest
        rest = [f.get_default() for f in self.rest]
        params = [
            [f.get_db_prep_save(v, connection) for f, v in zip(fields, (*row, *rest), strict=True)]
            for row in self.rows
        ]
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(self.model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)


# The columns each generated row sets, in the order ``Table.add`` takes them (after the id).
COLUMNS: dict[type[models.Model], tuple[str, ...]] = {
    Region: ("name", "code"),
    Municipality: ("region_id", "name", "timezone"),
    Organisation: ("region_id", "municipality_id", "kind", "name", "short_name"),
    get_user_model(): (
        "password", "username", "first_name", "last_name", "email", "is_staff", "is_active", "date_joined",
    ),
    Person: ("full_name", "position", "organisation_id", "is_head", "email", "user_id"),
    Membership: ("user_id", "organisation_id", "role"),
    SchoolStatus: ("school_id", "academic_year", "kind"),
    MentorPair: ("mentor_id", "mentee_id", "academic_year"),
    CoordinatorAssignment: ("coordinator_id", "school_id", "academic_year"),
    Roadmap: (
        "owner_id", "level", "title", "period_start", "period_end", "status", "approval_kind",
        "approval_number", "approval_date", "approved_by", "approval_text", "goal", "tasks",
        "column_titles", "source_key", "created_at", "updated_at",
    ),
    RoadmapSchool: ("roadmap_id", "school_id", "role"),
    TargetIndicator: (
        "roadmap_id", "order", "name", "unit", "baseline", "target", "target_date", "baseline_value",
        "target_value", "higher_is_better",
    ),
    Section: ("roadmap_id", "kind", "order", "number", "title"),
    Activity: (
        "roadmap_id", "section_id", "number", "order", "content", "deadline_text", "responsible_text",
        "expected_result", "needs_date", "created_at", "updated_at",
    ),
    DeadlineWindow: ("activity_id", "start", "end", "is_cancelled"),
    Executor: ("activity_id", "kind", "label", "organisation_id", "person_id", "role", "order"),
    CompletionMark: (
        "executor_id", "window_id", "status", "completed_on", "comment", "marked_by_id", "marked_at",
        "review", "reviewed_by_id", "reviewed_at", "review_comment",
    ),
    IndicatorValue: ("indicator_id", "school_id", "as_of", "value", "entered_at"),
    ExamResult: (
        "school_id", "year", "exam", "subject", "grade", "participants", "average_score", "failed_percent",
        "high_percent", "entered_at",
    ),
    OlympiadResult: ("school_id", "academic_year", "level", "participants", "winners", "prize_winners", "entered_at"),
    SchoolProfile: (
        "school_id", "academic_year", "teachers_total", "teacher_vacancies", "teachers_young",
        "teachers_pension_age", "teachers_without_training", "pupils_total", "pupils_disabled",
        "pupils_non_native_russian", "pupils_low_income", "pupils_registered", "textbooks_percent", "shifts",
        "premises_condition", "computers_for_pupils", "has_broadband", "other_factors", "updated_at",
    ),
    SchoolRisk: ("school_id", "factor_id", "academic_year", "level", "assessed_at"),
    ActivityRiskFactor: ("activity_id", "factor_id"),
}  # fmt: skip


def first_ids() -> dict[type[models.Model], int]:
    """The next free primary key of every table, in one query."""
    quote = connection.ops.quote_name
    selects = ", ".join(f"(SELECT COALESCE(MAX(id), 0) FROM {quote(m._meta.db_table)})" for m in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {selects}")
        maxima = cursor.fetchone()
    return {model: maximum + 1 for model, maximum in zip(COLUMNS, maxima, strict=True)}
