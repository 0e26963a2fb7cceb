"""Benchmark of the registry («Школы»), users («Пользователи») and import pages at the scale of
the country (prints figures, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python bench/people.py [--runs 3] [--rows 1000]

Against a database filled by ``manage.py generate_demo_data``, it signs in as the superuser, a
region staff user of the largest region (the generator makes one per region; on an older data
set the bench adds ``bench-region-staff`` and says so) and the department staff of the largest
municipality, and requests: the registry's landing, the region's page, the municipality's page
(the current year, searched with ?q=, filtered with ?status=, its page 2), a school's history;
the users' landing, the region's users and the municipality's users. Then, in a transaction it
rolls back, it imports an XLSX of ``--rows`` new schools into the largest municipality through
``schools.imports.services.registry_import`` (preview, then confirm) and requests the
municipality's pages again, now with ``--rows`` more schools: their number of queries must not
change. One JSON line per request: the median wall time, the time in SQL, the number of queries
and the size of the page.

It leaves the database as it found it, except for the region staff user it may add (said on
its line) and the sequences the rolled-back import advanced.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import update_last_login  # noqa: E402
from django.contrib.auth.signals import user_logged_in  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from schools.imports.reading import COLUMNS  # noqa: E402
from schools.imports.services import registry_import  # noqa: E402
from schools.models import (  # noqa: E402
    Membership,
    Municipality,
    Organisation,
    Region,
    SchoolStatus,
    academic_year_label,
    current_academic_year,
)

BENCH_USER = "bench-region-staff"


class Queries:
    """The number of queries and their time, counted as they run: the connection's log keeps
    only the last 9,000, fewer than an import of a thousand rows sends."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


def measure(client: Client, url: str, runs: int) -> dict[str, object]:
    walls, sqls, counts = [], [], []
    for _ in range(runs):
        queries = Queries()
        with connection.execute_wrapper(queries):
            started = time.perf_counter()
            response = client.get(url, follow=True)
            walls.append(time.perf_counter() - started)
        if response.status_code != 200:
            sys.exit(f"{url}: HTTP {response.status_code}")
        sqls.append(queries.seconds)
        counts.append(queries.count)
    redirected = {"to": response.redirect_chain[-1][0]} if response.redirect_chain else {}
    return {
        **redirected,
        "seconds": round(statistics.median(walls), 3),
        "sql_seconds": round(statistics.median(sqls), 3),
        "queries": max(counts),
        "kbytes": len(response.content) // 1024,
    }


def timed(function, **kwargs) -> tuple[object, dict[str, object]]:
    queries = Queries()
    with connection.execute_wrapper(queries):
        started = time.perf_counter()
        result = function(**kwargs)
        wall = time.perf_counter() - started
    return result, {
        "seconds": round(wall, 3),
        "sql_seconds": round(queries.seconds, 3),
        "queries": queries.count,
    }


def largest_region() -> Region:
    counted = Organisation.objects.schools().values("region").annotate(n=Count("pk")).order_by("-n", "region")
    return Region.objects.get(pk=counted[0]["region"])


def largest_municipality(region: Region) -> Municipality:
    schools = Q(organisations__kind=Organisation.Kind.SCHOOL)
    return (
        region.municipalities.annotate(n=Count("organisations", filter=schools)).order_by("-n", "pk").first()
    )


def region_staff(region: Region):
    """A region staff user of ``region``; made (and said) when the data set has none."""
    membership = (
        Membership.objects.filter(
            role=Membership.Role.REGION_STAFF, organisation__region=region, organisation__municipality=None
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership:
        return membership.user
    body = Organisation.objects.filter(region=region, municipality=None).order_by("pk").first()
    if body is None:
        sys.exit(f"Регион «{region}» без регионального органа: заполните базу generate_demo_data.")
    user, _ = get_user_model().objects.get_or_create(
        username=BENCH_USER, defaults={"email": f"{BENCH_USER}@example.org"}
    )
    Membership.objects.create(user=user, organisation=body, role=Membership.Role.REGION_STAFF)
    print(
        json.dumps({"added": f"пользователь {BENCH_USER}: специалист региона «{region}»"}, ensure_ascii=False)
    )
    return user


def department_staff(municipality: Municipality):
    membership = (
        Membership.objects.filter(role=Membership.Role.STAFF, organisation__municipality=municipality)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        sys.exit(f"У муниципалитета «{municipality}» нет специалиста: заполните базу generate_demo_data.")
    return membership.user


def inn(number: int) -> str:
    """A valid 10-digit ИНН of an organisation, different for each number."""
    digits = [int(c) for c in f"61{number:07d}"]
    weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    return "".join(map(str, digits)) + str(sum(w * d for w, d in zip(weights, digits, strict=True)) % 11 % 10)


def registry_xlsx(rows: int, year: int) -> bytes:
    """``rows`` new schools, each with its ИНН, address, director and e-mails, a third ШНОР."""
    book = Workbook()
    sheet = book.active
    sheet.append([c.title for c in COLUMNS])
    for i in range(rows):
        n = 5000 + i
        sheet.append(
            [
                f"Муниципальное бюджетное общеобразовательное учреждение средняя школа № {n} (бенчмарк)",
                f"МБОУ СШ № {n} (бенчмарк)",
                inn(n),
                f"г. Город, ул. Школьная, д. {n}",
                f"Иванова Анна Петровна {n}"[:40],
                f"director{n}@bench.example.org",
                f"school{n}@bench.example.org",
                "ШНОР" if i % 3 == 0 else "",
                academic_year_label(year),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=1000, help="строк в импортируемом реестре")
    args = parser.parse_args()
    print(json.dumps({"database": connection.vendor, "name": connection.settings_dict["NAME"]}))
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    # The pages, not the consent to personal data: nobody of the generated data has given it.
    settings.PERSONAL_DATA_CONSENT_REQUIRED = False

    region = largest_region()
    municipality = largest_municipality(region)
    school = Organisation.objects.schools().filter(municipality=municipality).order_by("pk").first()
    year = current_academic_year()
    superuser = get_user_model().objects.filter(is_superuser=True).first()
    if superuser is None:
        sys.exit("Нет суперпользователя: manage.py createsuperuser.")
    people = {
        "superuser": superuser,
        "region_staff": region_staff(region),
        "staff": department_staff(municipality),
    }
    schools_of = Organisation.objects.schools()
    print(
        json.dumps(
            {
                "region": str(region),
                "region_schools": schools_of.filter(region=region).count(),
                "municipality": str(municipality),
                "municipality_schools": schools_of.filter(municipality=municipality).count(),
                "country_schools": schools_of.count(),
            },
            ensure_ascii=False,
        )
    )

    registry_m = reverse("schools:registry_municipality", args=[municipality.pk])
    municipality_pages = {
        "registry: municipality": f"{registry_m}?year={year}",
        "registry: municipality, ?q=": f"{registry_m}?year={year}&q=СОШ",
        "registry: municipality, ?status=": f"{registry_m}?year={year}&status={SchoolStatus.Kind.LOW_RESULTS}",
        "registry: municipality, page 2": f"{registry_m}?year={year}&page=2",
        "users: municipality": reverse("schools:users_municipality", args=[municipality.pk]),
    }
    pages = {
        "registry": reverse("schools:registry"),
        "registry: region": reverse("schools:registry_region", args=[region.pk]),
        **municipality_pages,
        "registry: school history": reverse("schools:registry_school_history", args=[school.pk]),
        "users": reverse("schools:users"),
        "users: region": reverse("schools:users_region", args=[region.pk]),
    }
    clients = {}
    for role, user in people.items():
        client = Client(SERVER_NAME="127.0.0.1")  # an allowed host: DEBUG is off, "testserver" is not
        client.force_login(user)
        clients[role] = client
        for name, url in pages.items():
            if role == "staff" and "region" in name:
                continue  # department staff do not run the region
            line = {"role": role, "page": name, **measure(client, url, args.runs)}
            print(json.dumps(line, ensure_ascii=False))

    content = registry_xlsx(args.rows, year)
    staff = clients["staff"]
    with transaction.atomic():
        summary, figures = timed(registry_import, dry_run=True, **import_of(municipality, content, people))
        print(json.dumps({"role": "staff", "page": "import preview (service)", **said(summary), **figures}))
        # The pages a department goes through: the upload keeps a draft, its preview runs the
        # same dry run and shows every row.
        upload = SimpleUploadedFile("registry.xlsx", content)
        url = reverse("schools:import_upload", args=[municipality.pk])
        queries = Queries()
        with connection.execute_wrapper(queries):
            started = time.perf_counter()
            response = staff.post(url, {"file": upload})
            wall = time.perf_counter() - started
        if response.status_code != 302:
            sys.exit(f"{url}: HTTP {response.status_code}")
        line = {"seconds": round(wall, 3), "sql_seconds": round(queries.seconds, 3), "queries": queries.count}
        print(json.dumps({"role": "staff", "page": "import upload", **line}))
        line = {"role": "staff", "page": "import preview page", **measure(staff, response.url, 1)}
        print(json.dumps(line))
        summary, figures = timed(registry_import, dry_run=False, **import_of(municipality, content, people))
        print(json.dumps({"role": "staff", "page": "import confirm (service)", **said(summary), **figures}))
        count = schools_of.filter(municipality=municipality).count()
        for name, url in municipality_pages.items():
            line = {"role": "staff", "page": f"{name}, {count} schools", **measure(staff, url, args.runs)}
            print(json.dumps(line, ensure_ascii=False))
        transaction.set_rollback(True)  # the draft and the imported schools go: the database is as it was


def import_of(municipality: Municipality, content: bytes, people: dict) -> dict[str, object]:
    return {
        "municipality": municipality,
        "content": content,
        "file_name": "registry.xlsx",
        "by": people["staff"],
    }


def said(summary) -> dict[str, object]:
    if summary.errors:
        sys.exit(f"Импорт не прошёл: {summary.errors[:3]}")
    return {"rows": len(summary.rows), "created": summary.created, "updated": summary.updated}


if __name__ == "__main__":
    main()
