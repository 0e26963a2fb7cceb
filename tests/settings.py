"""Settings of the test suite: the portal's own (config/settings.py, DEBUG off), with what
only a test run needs."""

from __future__ import annotations

import os
import tempfile

# A fresh clone has no key file of `make run`; the suite brings its own key.
os.environ.setdefault("SECRET_KEY", "tests-only-" + "k" * 50)

from config.settings import *  # noqa: E402, F403
from config.settings import REDIS_URL, STORAGES  # noqa: E402

# Templates find static files in the source folders: no collectstatic before a run.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

if not REDIS_URL:
    # On the embedded default, tasks run in-process so that a test sees their effect at
    # once; tests/config/test_serve.py sends reminders through make run's own file queue.
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = None
    CELERY_TASK_ALWAYS_EAGER = True

# The suite logs users in with force_login and opens their pages at once: the consent page
# would stand before every one of them. tests/schools/consent/ turns it on (the ``settings``
# fixture) and tries it, the end-to-end flow included.
PERSONAL_DATA_CONSENT_REQUIRED = False

# The reminder tests start a real Celery worker in another process, which cannot open
# SQLite's in-memory test database: on SQLite the test database of every run is a file,
# private to the run. Said here, once, so that the database is the same whichever tests
# are collected.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"].setdefault("TEST", {}).setdefault(  # noqa: F405
        "NAME", os.path.join(tempfile.mkdtemp(prefix="roadmaps-tests-"), "db.sqlite3")
    )
