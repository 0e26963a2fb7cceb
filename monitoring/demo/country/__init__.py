"""A large, realistic demo data set for load tests and dashboards (``generate_demo_data``).

What M municipalities, S schools each and A activities per roadmap give:

- ceil(M / R) regions (real names and time zones, then «Регион 086»…; a region of that name
  already in the database is reused), M municipalities, each with a department, a methodological
  centre and S schools; a director per school, a head, a specialist and a coordinator per
  department; users with memberships (staff, coordinator, principal or mentor, a regional viewer
  and a region staff user per region; password ``demo-2026``);
- per municipality and each of the last ``MUNICIPAL_YEARS`` academic years: statuses
  (ШНОР, ШНСУ, наставник), mentor pairs, coordinator assignments and a municipal roadmap
  (approved for the current year, archived before) with its schools and target indicators;
- per school a school roadmap of the current year («антирисковая программа» for a supervised
  school);
- so A × M × (MUNICIPAL_YEARS + S) activities: 2,000,000 for M=2500, S=16, A=40;
- each roadmap 3–9 sections; activities reuse the texts of the seed rows (content, deadline
  shifted to the roadmap's year, expected result; the responsible cell verbatim, or with the
  generated people's names where the seed names people); windows parsed from the deadline
  as the portal does; executors as the responsible cell reads; marks in a realistic mix as of
  ``today``;
- ВПР/ОГЭ/ЕГЭ results and olympiads for three years, a profile for the current year, a level
  for every risk factor of the catalogue, and risk tags on some activities.

Rows are written table by table in chunks of municipalities, with primary keys counted here
(no RETURNING, no per-row query): COPY on PostgreSQL, one executemany per table and chunk
elsewhere, or ``bulk_create`` (``method="bulk_create"``, for comparison). None of these sends
signals, so django-simple-history writes no history rows. All in one transaction: a failed run
leaves nothing behind; a second run is refused (``DemoDataExists``), since a data set of this
size is made once, in a database of its own.

``names`` holds the names and titles, ``pool`` the seed rows, ``generator`` the municipalities,
schools and roadmaps, ``results`` the exam results, profiles and risks, ``writer`` the writing.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.management.color import no_style
from django.db import connection, transaction

from monitoring.demo.country.generator import KEY_PREFIX, MUNICIPAL_YEARS, Generator, Place, school_roles
from monitoring.demo.country.names import municipality_names
from monitoring.demo.country.pool import SCHOOL_FIXTURE, SEED_FILES
from monitoring.demo.country.results import school_profile, school_results
from monitoring.demo.country.writer import COLUMNS, METHODS
from roadmaps.models import Roadmap
from schools.models import Municipality

__all__ = [
    "KEY_PREFIX",
    "METHODS",
    "MUNICIPAL_YEARS",
    "SCHOOL_FIXTURE",
    "SEED_FILES",
    "DemoDataExists",
    "Report",
    "demo_data_generate",
    "demo_data_vacuum",
    "school_roles",
]
CHUNK_SCHOOLS = 2000  # schools per chunk: a chunk's rows are held in memory, then written


class DemoDataExists(Exception):
    pass


@dataclass
class Report:
    method: str
    risk_factors: int
    counts: dict[str, int] = field(default_factory=dict)  # rows per table
    write_seconds: dict[str, float] = field(default_factory=dict)  # per table
    total_seconds: float = 0.0

    @property
    def generate_seconds(self) -> float:
        return self.total_seconds - sum(self.write_seconds.values())


def demo_data_generate(
    *,
    municipalities: int,
    schools_per_municipality: int,
    activities_per_roadmap: int,
    today: date,
    seed: int = 1,
    region_size: int = 30,
    method: str | None = None,
    log: Callable[[str], None] = print,
) -> Report:
    """Generate the data set in one transaction; raise DemoDataExists if one is already there.

    The queries do not depend on the sizes: a few reads at the start, then one write per table
    and chunk of ``CHUNK_SCHOOLS`` schools.
    """
    started = time.perf_counter()
    method = method or ("copy" if connection.vendor == "postgresql" else "insert")
    if method == "copy" and connection.vendor != "postgresql":
        raise ValueError("COPY есть только в PostgreSQL")
    with transaction.atomic():
        if Roadmap.objects.filter(source_key__startswith=KEY_PREFIX).exists():
            raise DemoDataExists
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Foreign keys checked as the rows come rather than queued, millions of them, for the commit.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        gen = Generator(seed=seed, today=today, activities=activities_per_roadmap, method=method)
        regions = gen.regions(math.ceil(municipalities / region_size))
        gen.regional_viewers(regions)
        taken = set(Municipality.objects.values_list("region", "name"))
        names: dict[int, list[tuple[str, bool]]] = {}
        per_chunk = max(1, CHUNK_SCHOOLS // schools_per_municipality)
        for first in range(0, municipalities, per_chunk):
            chunk_started = time.perf_counter()
            last = min(municipalities, first + per_chunk)
            for index in range(first, last):
                region, _name, tz = regions[index // region_size]
                if region not in names:
                    candidates = municipality_names(gen.rng, region_size + 10)
                    names[region] = [n for n in candidates if (region, n[0]) not in taken]
                name, city = names[region][index % region_size]
                _municipality(gen, gen.place(index, region, tz, name, city, schools_per_municipality))
            generated = time.perf_counter() - chunk_started
            gen.flush()
            rows = f"{sum(t.count for t in gen.tables.values()):,}".replace(",", " ")
            log(
                f"муниципалитеты {first + 1}–{last} из {municipalities}: строк всего {rows}; "
                f"создание {generated:.1f} с, запись {time.perf_counter() - chunk_started - generated:.1f} с"
            )
        with connection.cursor() as cursor:
            # The ids were counted here: move the sequences past them (PostgreSQL; SQLite follows by itself).
            for sql in connection.ops.sequence_reset_sql(no_style(), list(COLUMNS)):
                cursor.execute(sql)
    report = Report(method=method, risk_factors=len(gen.factors))
    for table in gen.tables.values():
        report.counts[table.model._meta.db_table] = table.count
        report.write_seconds[table.model._meta.db_table] = table.seconds
    report.total_seconds = time.perf_counter() - started
    return report


def _municipality(gen: Generator, place: Place) -> None:
    gen.statuses(place)
    for school in place.schools:
        school_profile(gen, school)  # before the roadmaps: their activities address the school's risks
        school_results(gen, school)
    for year in range(gen.year - MUNICIPAL_YEARS + 1, gen.year + 1):
        gen.roadmap(place, year)
    for school in place.schools:
        gen.roadmap(place, gen.year, school)


def demo_data_vacuum() -> float:
    """VACUUM ANALYZE the generated tables (PostgreSQL, outside a transaction): fresh statistics and
    visibility map, so that the first dashboards do not read 15 million rows with stale plans."""
    started = time.perf_counter()
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {tables}")
    return time.perf_counter() - started
