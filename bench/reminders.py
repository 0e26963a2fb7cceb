"""Benchmark of the reminder scan on 1,000,000 deadline windows (prints figures, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reminders_bench .venv/bin/python bench/reminders.py

Fills the database (migrated here; PostgreSQL only, and only a database of its own: it
adds a municipality with 200 schools and 1,000,000 activities, each with one window and
one executor school, 90 % of the past windows marked done), then prints one JSON line:
the pass's scan time (every query and the Python that turns rows into reminders), the
time of the bare SQL query selecting the same due obligations (the rules of
``roadmaps.obligations`` written out by hand), and their ratio. A second run reuses the
data. ``BENCH_WINDOWS=100000`` runs a smaller size (in a database of its own too).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from monitoring.models import DEFAULT_DAYS_BEFORE  # noqa: E402
from monitoring.reminders.scan import Scan  # noqa: E402
from monitoring.reminders.schedule import candidate_ends  # noqa: E402
from roadmaps.models import Activity, CompletionMark, DeadlineWindow, Executor, Roadmap  # noqa: E402
from schools.models import CoordinatorAssignment, Membership, Municipality, Organisation, Person, Region  # noqa: E402

WINDOWS = int(os.environ.get("BENCH_WINDOWS", 1_000_000))
SCHOOLS = 200
ROADMAPS = 20
PERIOD_START = date(2022, 9, 1)
PERIOD_DAYS = 4 * 365
SCAN_DAY = date(2024, 10, 17)  # a Thursday: the daily pass, no Monday digest
REGION = "Бенчмарк-область"

BARE_SQL = """
SELECT w.id, w.start, w."end", a.id, a.number, a.content, r.id, r.title, r.owner_id,
       e.label, e.organisation_id, e.person_id, p.user_id, o.short_name, o.name,
       m.status, m.review, m.completed_on
FROM roadmaps_executor e
JOIN roadmaps_activity a ON a.id = e.activity_id
JOIN roadmaps_roadmap r ON r.id = a.roadmap_id
JOIN roadmaps_deadlinewindow w ON w.activity_id = a.id
LEFT JOIN roadmaps_completionmark m ON m.executor_id = e.id AND m.window_id = w.id
LEFT JOIN schools_organisation o ON o.id = e.organisation_id
LEFT JOIN schools_person p ON p.id = e.person_id
WHERE w."end" = ANY(%s) AND NOT w.is_cancelled AND r.status = 'approved'
  AND a.trash_id IS NULL AND NOT e.is_dropped
  AND (e.organisation_id IS NOT NULL OR e.person_id IS NOT NULL)
  AND NOT COALESCE(m.status = 'done' AND m.review IN ('pending', 'accepted') AND m.completed_on <= %s, FALSE)
"""


def insert_select(model, exprs: dict[str, str], source: str, params: tuple = ()) -> None:
    """INSERT INTO <model> (...) SELECT <exprs> <source>: every other column gets its default."""
    columns, values, args = [], [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(connection.ops.quote_name(f.column))
        if f.column in exprs:
            values.append(exprs[f.column])
        else:
            values.append("%s")
            args.append(f.get_db_prep_save(f.get_default(), connection))
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(values)} {source}"
    with connection.cursor() as cursor:
        cursor.execute(sql, (*args, *params))


@transaction.atomic
def fill() -> None:
    region = Region.objects.create(name=REGION)
    municipality = Municipality.objects.create(
        region=region, name="г. Бенчмарк", timezone="Asia/Yekaterinburg"
    )
    department = Organisation.objects.create(
        region=region, municipality=municipality, kind="department", name="Управление образования г. Бенчмарк"
    )
    User = get_user_model()
    coordinator = User.objects.create_user("bench-coordinator", "bench-coordinator@example.org")
    Membership.objects.create(user=coordinator, organisation=department, role="coordinator")
    person = Person.objects.create(full_name="Координатор Б.Б.", organisation=department, user=coordinator)
    schools = Organisation.objects.bulk_create(
        Organisation(region=region, municipality=municipality, name=f"МОБУ СОШ № {i}")
        for i in range(1, SCHOOLS + 1)
    )
    principals = User.objects.bulk_create(
        User(username=f"bench-principal-{s.pk}", email=f"bench-principal-{s.pk}@example.org") for s in schools
    )
    Membership.objects.bulk_create(
        Membership(user=u, organisation=s, role="principal") for u, s in zip(principals, schools, strict=True)
    )
    CoordinatorAssignment.objects.bulk_create(
        CoordinatorAssignment(coordinator=person, school=s, academic_year=y)
        for s in schools
        for y in (2022, 2023, 2024, 2025)
    )
    roadmaps = Roadmap.objects.bulk_create(
        Roadmap(owner=department, title=f"Дорожная карта {i}", period_start=PERIOD_START,
                period_end=date(2026, 8, 31), status="approved")
        for i in range(ROADMAPS)
    )  # fmt: skip
    first_roadmap, first_school = roadmaps[0].pk, schools[0].pk
    series = "FROM generate_series(1, %s) AS g"
    insert_select(
        Activity,
        {
            "roadmap_id": f"{first_roadmap} + g %% {ROADMAPS}",
            "number": "g::text",
            "order": "g",
            "content": "'Мероприятие № ' || g",
            "created_at": "now()",
            "updated_at": "now()",
        },
        series,
        (WINDOWS,),
    )
    activities = f"FROM roadmaps_activity a WHERE a.roadmap_id BETWEEN {first_roadmap} AND {first_roadmap + ROADMAPS - 1}"
    insert_select(
        DeadlineWindow,
        {
            "activity_id": "a.id",
            "start": "NULL",
            "end": f"DATE '{PERIOD_START}' + (a.id %% {PERIOD_DAYS})::int",
            "is_cancelled": "a.id %% 50 = 0",
        },
        activities,
    )
    insert_select(
        Executor,
        {"activity_id": "a.id", "kind": "'school'", "label": "'Руководители ОУ'",
         "organisation_id": f"{first_school} + a.id %% {SCHOOLS}"},
        activities,
    )  # fmt: skip
    insert_select(
        CompletionMark,
        {"executor_id": "e.id", "window_id": "w.id", "status": "'done'", "completed_on": 'w."end"',
         "marked_at": "now()", "review": "'accepted'", "reviewed_at": "now()"},
        "FROM roadmaps_deadlinewindow w JOIN roadmaps_executor e ON e.activity_id = w.activity_id "
        f"JOIN roadmaps_activity a ON a.id = w.activity_id {activities.replace('FROM roadmaps_activity a ', '')} "
        f"AND w.\"end\" < DATE '{SCAN_DAY}' AND w.id %% 10 <> 0",
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench/reminders.py needs DATABASE_URL=postgres://… (a database of its own)")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if not Region.objects.filter(name=REGION).exists():
        fill()
    fill_s = time.perf_counter() - started
    windows = DeadlineWindow.objects.filter(activity__roadmap__owner__region__name=REGION).count()

    due = Scan(day=SCAN_DAY).due()
    ends = sorted(candidate_ends(SCAN_DAY, DEFAULT_DAYS_BEFORE))

    def bare() -> int:
        with connection.cursor() as cursor:
            cursor.execute(BARE_SQL, [ends, SCAN_DAY])
            return len(cursor.fetchall())

    rows = bare()
    scan_s = timed(lambda: Scan(day=SCAN_DAY).due())
    bare_s = timed(bare)
    print(
        json.dumps(
            {
                "windows": windows,
                "day": SCAN_DAY.isoformat(),
                "due_rows": rows,
                "reminders": len(due),
                "fill_s": round(fill_s, 1),
                "scan_s": round(scan_s, 4),
                "bare_sql_s": round(bare_s, 4),
                "ratio": round(scan_s / bare_s, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
