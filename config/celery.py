"""The Celery app: broker and result backend on Redis from REDIS_URL.

Without REDIS_URL the queue and the results are files under ``var/tasks`` (see the
settings), which `make run`'s web server, worker and scheduler share.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("roadmap_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The tasks live in the slices that own them (autodiscovery looks for ``<package>.tasks``).
app.autodiscover_tasks(
    [
        "schools",
        "schools.invitations",
        "roadmaps",
        "roadmaps.documents",
        "monitoring.reminders",
        "monitoring.results",
    ]
)

# Periodic schedules live here, each with a comment saying when it fires.
app.conf.beat_schedule = {
    # At the top of every hour: deadline reminders and Monday digests for every
    # recipient whose local time (their municipality's time zone) is past the send hour
    # (09:00 by default). Claims make the later hours of the day send nothing twice.
    # An hourly pass still queued after 55 minutes is dropped: the next one covers it.
    "deadline-reminders": {
        "task": "monitoring.tasks.send_due_reminders",
        "schedule": crontab(minute=0),
        "options": {"expires": 55 * 60},
    },
    # Every minute: the failed reminders whose retry is due (1, 5, 15, 60, 180 minutes after
    # each failure) and the claimed ones whose task was lost. A sweep still queued after 55
    # seconds is dropped: the next one covers it.
    "reminder-retries": {
        "task": "monitoring.tasks.retry_reminders",
        "schedule": crontab(),
        "options": {"expires": 55},
    },
    # Every night at 03:30: import drafts untouched for a week go, with any stored file (an
    # upload purges them too; this covers a portal where nobody uploads for a while).
    "import-drafts-purge": {
        "task": "roadmaps.documents.tasks.purge_import_drafts",
        "schedule": crontab(hour=3, minute=30),
    },
    # Every night at 03:40: export jobs past their day go, with the files built for them.
    "export-jobs-purge": {
        "task": "roadmaps.documents.tasks.purge_export_jobs",
        "schedule": crontab(hour=3, minute=40),
    },
    # Every night at 03:45: results import previews past their two hours (an upload purges
    # them too; this covers a portal where nobody uploads for a while).
    "results-import-previews-purge": {
        "task": "monitoring.results.tasks.purge_results_import_previews",
        "schedule": crontab(hour=3, minute=45),
    },
    # Every night at 03:50: evidence files that no evidence row points at, older than a day
    # (a file written by a mark whose transaction rolled back, or removed in the admin).
    "evidence-orphans-purge": {
        "task": "roadmaps.tasks.purge_evidence_orphans",
        "schedule": crontab(hour=3, minute=50),
    },
    # Every night at 04:00: access-log events older than AUDIT_RETENTION_DAYS (365 by default) go.
    "access-events-purge": {
        "task": "schools.tasks.purge_access_events",
        "schedule": crontab(hour=4, minute=0),
    },
}
