"""Settings of the Celery worker the end-to-end tests start: the portal's, with quick
retries and a queue of its own so that parallel test runs never take each other's tasks."""

from __future__ import annotations

import os

from config.settings import *  # noqa: F403

CELERY_TASK_DEFAULT_QUEUE = os.environ["TEST_CELERY_QUEUE"]
REMINDER_RETRY_DELAYS = (1, 1, 2)
