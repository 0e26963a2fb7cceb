"""The reminder tasks keep the names that queued messages and the beat schedule use: they were
``monitoring.tasks.*`` before the reminders had a folder of their own."""

from __future__ import annotations

from config.celery import app
from monitoring.reminders.tasks import send_due_reminders, send_reminder


def test_the_reminder_tasks_keep_their_queued_names():
    app.loader.import_default_modules()
    assert send_due_reminders.name == "monitoring.tasks.send_due_reminders"
    assert send_reminder.name == "monitoring.tasks.send_reminder"
    assert {"monitoring.tasks.send_due_reminders", "monitoring.tasks.send_reminder"} <= set(app.tasks)


def test_every_scheduled_task_is_one_the_worker_knows():
    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks
