"""The Celery app: broker and result backend on Redis from REDIS_URL.

Without REDIS_URL the settings make every task run in-process (``task_always_eager``).
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("roadmap_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic schedules live here, each with a comment saying when it fires; the
# reminders issue adds the hourly reminder pass.
app.conf.beat_schedule = {}
