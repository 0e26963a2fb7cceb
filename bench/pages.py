"""Benchmark of the everyday pages at the scale of the country (prints figures, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python bench/pages.py [--runs 3]

Against a database filled by ``manage.py generate_demo_data`` (it reads, never writes), it
signs in as one user of each role — the superuser, a regional viewer, department staff, a
coordinator and a principal of the generated data — and requests their start page, the
roadmap list (plain, then searched by a school's name), a roadmap, a school and an activity
of their scope, and the panels the school and activity pages load by URL. One JSON line per
request: the median wall time, the time in SQL, the number of queries and the size of the page.
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
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from roadmaps.models import Activity, Roadmap  # noqa: E402
from schools.models import Membership  # noqa: E402
from schools.permissions import visible_schools  # noqa: E402


def measure(client: Client, url: str, runs: int, headers: dict | None = None) -> dict[str, object]:
    walls, sqls, counts = [], [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, follow=True, headers=headers or {})
            walls.append(time.perf_counter() - started)
        if response.status_code != 200:
            sys.exit(f"{url}: HTTP {response.status_code}")
        sqls.append(sum(float(q["time"]) for q in captured.captured_queries))
        counts.append(len(captured.captured_queries))
    return {
        "seconds": round(statistics.median(walls), 3),
        "sql_seconds": round(statistics.median(sqls), 3),
        "queries": max(counts),
        "kbytes": len(response.content) // 1024,
    }


def users() -> dict[str, object]:
    User = get_user_model()
    generated = Membership.objects.filter(user__username__startswith="gen").select_related("user")
    found = {"superuser": User.objects.filter(is_superuser=True).first()}
    for role in ("regional_viewer", "staff", "coordinator", "principal"):
        membership = generated.filter(role=role).first()
        if membership is None:
            sys.exit("No generated users: fill the database with generate_demo_data first.")
        found[role] = membership.user
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps({"database": connection.vendor, "name": connection.settings_dict["NAME"]}))
    # The benchmark only reads: the session in a signed cookie, and no «last login» saved.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    # Pages name static files as the source folders have them: no collectstatic needed.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    # The pages, not the consent to personal data: nobody of the generated data has given it.
    settings.PERSONAL_DATA_CONSENT_REQUIRED = False
    for role, user in users().items():
        roadmap = Roadmap.objects.visible_to(user).order_by("-period_start").first()
        school = visible_schools(user).order_by("pk").first()
        activity = Activity.objects.filter(roadmap=roadmap).order_by("order").first()
        client = Client(SERVER_NAME="127.0.0.1")  # an allowed host: DEBUG is off, "testserver" is not
        client.force_login(user)
        pages = {
            "home": reverse("home"),
            "roadmap list": reverse("roadmaps:roadmap_list"),
            "roadmap list, school named": reverse("roadmaps:roadmap_list") + "?school_name=СОШ+№+1",
            "roadmap": reverse("roadmaps:roadmap_detail", args=[roadmap.pk]),
            "school": reverse("schools:school_detail", args=[school.pk]),
            "activity": reverse("roadmaps:activity_detail", args=[activity.pk]),
        }
        # The panels that the school and activity pages load by URL when they open.
        panels = {
            "school: roadmaps panel": reverse("roadmaps:school_roadmaps", args=[school.pk]),
            "school: risk coverage panel": reverse("monitoring:school_risk_coverage", args=[school.pk]),
            "activity: risks panel": reverse("monitoring:activity_risks", args=[activity.pk]),
        }
        for name, url in pages.items():
            print(
                json.dumps(
                    {"role": role, "page": name, **measure(client, url, args.runs)}, ensure_ascii=False
                )
            )
        for name, url in panels.items():
            figures = measure(client, url, args.runs, headers={"HX-Request": "true"})
            print(json.dumps({"role": role, "page": name, **figures}, ensure_ascii=False))


if __name__ == "__main__":
    main()
