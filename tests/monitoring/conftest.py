"""Real parts for the reminder tests, each opt-in: a Celery worker in a subprocess consuming
from Redis (``celery_worker``, for the tests that ask for it), SMTP settings pointing at the
sink on loopback (``smtp_settings``), and the reminder world. The worker opens the test
database that ``tests/settings.py`` keeps in a file on SQLite."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tests.monitoring.world import World

BASE_DIR = Path(settings.BASE_DIR)
# Database 14: the worker's broker and results, apart from the app's own REDIS_URL.
TEST_REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def smtp_settings(settings, sink):
    """The Django mail settings EMAIL_URL=smtp://127.0.0.1:<sink> would give."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    return settings


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """``celery -A config worker`` in a subprocess, on its own queue of Redis database 14."""

    def __init__(self, *, smtp_port: int, log: Path) -> None:
        from celery import Celery

        self.queue = f"reminders-test-{uuid.uuid4().hex[:12]}"
        self.log = log
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.monitoring.worker_settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": TEST_REDIS_URL,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "TEST_CELERY_QUEUE": self.queue,
            "PYTHONPATH": str(BASE_DIR),
        }
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            "--pool=prefork", "--concurrency=2", "--loglevel=INFO",
            "-Q", self.queue, "-n", f"{self.queue}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
        )
        self.client = Celery("reminders-test-client", broker=TEST_REDIS_URL, backend=TEST_REDIS_URL)
        self.client.conf.task_default_queue = self.queue
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited:\n{self.log.read_text()}")
            if "ready." in self.log.read_text():
                return
            time.sleep(0.2)
        raise RuntimeError(f"the worker did not start:\n{self.log.read_text()}")

    def send(self, name: str, **kwargs):
        return self.client.send_task(f"monitoring.tasks.{name}", kwargs=kwargs, queue=self.queue)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        with self.client.connection_for_write() as conn:
            conn.default_channel.queue_delete(self.queue)
        self.client.close()


@pytest.fixture(scope="module")
def celery_worker(django_db_setup, django_db_blocker, smtp_sink, tmp_path_factory):
    worker = Worker(smtp_port=smtp_sink.port, log=tmp_path_factory.mktemp("worker") / "worker.log")
    yield worker
    worker.stop()
    # Transactional tests empty the database when they end: put the seed data back
    # for whatever runs after this module.
    with django_db_blocker.unblock():
        call_command(
            "seed_demo", demo=True, without_monitoring=True, stdout=io.StringIO(), stderr=io.StringIO()
        )


@pytest.fixture
def world(db):
    return World()
