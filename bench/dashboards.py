"""Benchmark of the progress dashboards (prints figures, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python bench/dashboards.py [--runs 3]

Against whatever database DATABASE_URL names (fill it first, e.g. with
``manage.py generate_demo_data --municipalities 20 --schools-per-municipality 16
--activities-per-roadmap 40``), it picks the largest region, municipality, school and roadmap
(by activities) and, as a superuser, requests each dashboard page, its XLSX export and, as htmx
asks it when the user turns a page, page 2 of its table «by school» alone (``schools_page_2``;
a school's dashboard has no such table). One JSON line per dashboard, for each request: the median wall time of the whole request (queries, Python, template),
the time spent in SQL, the number of queries and the number of (window, executor) pairs.
Then one line with the EXPLAIN ANALYZE time of the heaviest single query of the region page.
"""

from __future__ import annotations

import argparse
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
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from monitoring.dashboards import queries  # noqa: E402
from monitoring.dashboards.queries import Scope  # noqa: E402
from roadmaps.models import Activity, Executor, Roadmap  # noqa: E402
from schools.models import Municipality, Organisation, Region  # noqa: E402


def largest() -> dict[str, object]:
    """The region, municipality, school and roadmap with the most activities (or executor rows)."""
    by_roadmap = Activity.objects.values("roadmap").annotate(n=Count("pk")).order_by("-n").first()
    by_region = (
        Activity.objects.values("roadmap__owner__region").annotate(n=Count("pk")).order_by("-n").first()
    )
    by_municipality = (
        Activity.objects.exclude(roadmap__owner__municipality=None)
        .values("roadmap__owner__municipality")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    by_school = (
        Executor.objects.filter(organisation__kind=Organisation.Kind.SCHOOL)
        .values("organisation")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return {
        "regions": Region.objects.get(pk=by_region["roadmap__owner__region"]),
        "municipalities": Municipality.objects.get(pk=by_municipality["roadmap__owner__municipality"]),
        "schools": Organisation.objects.select_related("municipality").get(pk=by_school["organisation"]),
        "roadmaps": Roadmap.objects.get(pk=by_roadmap["roadmap"]),
    }


def measure(client: Client, url: str, runs: int, headers: dict | None = None) -> dict[str, object]:
    walls, sqls, counts = [], [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, headers=headers or {})
            body = b"".join(response.streaming_content) if response.streaming else response.content
            walls.append(time.perf_counter() - started)
        if response.status_code != 200:
            sys.exit(f"{url}: HTTP {response.status_code}")
        sqls.append(sum(float(q["time"]) for q in captured.captured_queries))
        counts.append(len(captured.captured_queries))
    return {
        "seconds": round(statistics.median(walls), 3),
        "sql_seconds": round(statistics.median(sqls), 3),
        "queries": max(counts),
        "bytes": len(body),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    admin = get_user_model().objects.filter(is_superuser=True, is_active=True).first()
    if admin is None:
        sys.exit("No superuser in this database: run manage.py seed_demo first.")
    # The benchmark only reads: the session in a signed cookie, and no «last login» saved.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    # Pages name static files as the source folders have them: no collectstatic needed.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    client = Client(SERVER_NAME="127.0.0.1")  # an allowed host: DEBUG is off, "testserver" is not
    client.force_login(admin)
    today = timezone.localdate()
    picked = largest()
    scopes = {
        "regions": Scope("region", picked["regions"]),
        "municipalities": Scope("municipality", picked["municipalities"]),
        "schools": Scope("school", picked["schools"]),
        "roadmaps": Scope("roadmap", picked["roadmaps"]),
    }
    print(
        json.dumps(
            {"database": connection.vendor, "name": connection.settings_dict["NAME"], "on": str(today)}
        )
    )
    for slug, name in [
        ("regions", "region_dashboard"),
        ("municipalities", "municipality_dashboard"),
        ("schools", "school_dashboard"),
        ("roadmaps", "roadmap_dashboard"),
    ]:
        scope = scopes[slug]
        pairs = queries.totals(queries.scope_obligations(scope, on=today, year=None))["total"]
        page = measure(client, reverse(f"monitoring:{name}", args=[scope.obj.pk]), args.runs)
        export = measure(client, reverse("monitoring:dashboard_export", args=[slug, scope.obj.pk]), args.runs)
        line = {"dashboard": slug, "pk": scope.obj.pk, "pairs": pairs, "page": page, "export": export}
        if slug != "schools":
            table_url = reverse(f"monitoring:{name}", args=[scope.obj.pk]) + "?table=schools&s_page=2"
            line["schools_page_2"] = measure(client, table_url, args.runs, headers={"HX-Request": "true"})
        print(json.dumps(line))
    if connection.vendor == "postgresql":
        # The heaviest query of the region page, as the planner runs it.
        sql, params = queries.by_school(
            queries.scope_obligations(scopes["regions"], on=today, year=None)
        ).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0][0]
        print(json.dumps({"region_by_school_execution_ms": round(plan["Execution Time"], 1)}))


if __name__ == "__main__":
    main()
