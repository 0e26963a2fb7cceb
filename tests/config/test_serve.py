"""`make run` as a newcomer meets it: the same launcher (``python -m config.serve --demo``)
with none of the suite's variables, in a folder of its own, DEBUG off. Its web workers,
task worker and scheduler are real processes; its mail goes to an SMTP sink on loopback."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings

from roadmaps.documents.export_docx import export_docx
from roadmaps.documents.rows import fetch_roadmaps
from roadmaps.models import Roadmap

BASE_DIR = Path(settings.BASE_DIR)
# What the suite or a developer's shell may have set: make run must not need any of it.
DROPPED = {
    "DEBUG",
    "SECRET_KEY",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "SITE_URL",
    "ALLOWED_HOSTS",
    "CONN_MAX_AGE",
}
START_TIMEOUT = 240
# One launcher for the module: every test is a database test, so that pytest-django keeps them
# together (it runs database tests first) and the module's fixture is set up once.
pytestmark = pytest.mark.django_db


@dataclass
class Launched:
    url: str
    home: Path
    env: dict[str, str]
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, opener=None, data: bytes | None = None, headers: dict | None = None):
    """(status, headers, text) of a request; error statuses are answers too."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode(errors="replace")


@pytest.fixture(scope="module")
def launched(tmp_path_factory, smtp_sink):
    home = tmp_path_factory.mktemp("make-run")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    # The embedded default, in a folder of this test instead of the checkout.
    env.update(
        VAR_DIR=str(home / "var"),
        DATABASE_URL=f"sqlite:///{home / 'db.sqlite3'}",
        STATIC_ROOT=str(home / "static"),
        MEDIA_ROOT=str(home / "media"),
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_sink.port}",
        # As in the suite's settings: the tests here log in and go straight to their pages.
        PERSONAL_DATA_CONSENT_REQUIRED="0",
    )
    log = home / "serve.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "config.serve", "--demo", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    portal = Launched(url=f"http://127.0.0.1:{port}", home=home, env=env, process=process, log=log)
    deadline = time.monotonic() + START_TIMEOUT
    while not (" ready." in portal.output() and "beat: Starting" in portal.output() and _answers(portal.url)):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"make run did not start:\n{portal.output()[-5000:]}")
        time.sleep(0.5)
    # web (gunicorn master and 2 workers), worker and scheduler, started by the launcher
    assert len(_processes_with(f"VAR_DIR={home / 'var'}")) >= 5
    yield portal
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _answers(url: str) -> bool:
    try:
        return fetch(f"{url}/accounts/login/")[0] == 200
    except OSError:
        return False


def test_it_generates_a_private_key_and_says_the_logins_are_demo(launched):
    key = launched.home / "var" / "secret_key"
    assert len(key.read_text().strip()) >= 50
    assert key.stat().st_mode & 0o077 == 0
    output = launched.output()
    assert "ВНИМАНИЕ: на этом портале есть демо-логины" in output
    assert f"Портал: {launched.url}/" in output


def test_the_login_page_and_its_static_files_are_served_with_debug_off(launched):
    status, _, page = fetch(f"{launched.url}/accounts/login/")
    assert status == 200 and "Вход в портал" in page
    # Hashed names from collectstatic, served by whitenoise for a year.
    css = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', page)
    assert css, page
    status, headers, body = fetch(launched.url + css[1], headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert "max-age=315360000" in headers["Cache-Control"]
    assert headers["Content-Encoding"] == "gzip"


def test_a_missing_page_gets_the_russian_404_and_no_url_list(launched):
    status, _, page = fetch(f"{launched.url}/no-such-page/")
    assert status == 404
    assert "Страница не найдена" in page
    assert "URLconf" not in page and "DEBUG" not in page


def test_an_import_preview_is_seen_by_every_web_worker(launched):
    """Two gunicorn workers and no Redis: the preview lives in the database's cache table."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    _, _, page = fetch(f"{launched.url}/accounts/login/", opener)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "uo", "password": "demo-2026"})
    status, _, home_page = fetch(f"{launched.url}/accounts/login/", opener, data=form.encode())
    assert status == 200 and "Выйти" in home_page

    roadmap = Roadmap.objects.get(source_key="002_taganrog")
    content = export_docx(fetch_roadmaps([roadmap.pk])[0], with_marks=False)
    _, _, upload_page = fetch(f"{launched.url}/documents/import/", opener)
    owner = re.search(r'name="owner".*?<option value="(\d+)"', upload_page, re.S)[1]
    csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    body, content_type = _multipart(
        {"csrfmiddlewaretoken": csrf, "owner": owner}, file=("file", "taganrog.docx", content)
    )
    request = urllib.request.Request(
        f"{launched.url}/documents/import/", data=body, headers={"Content-Type": content_type}
    )
    with opener.open(request, timeout=60) as response:
        preview_url = response.geturl()
    assert (
        "/documents/import/" in preview_url and preview_url.rstrip("/") != f"{launched.url}/documents/import"
    )

    # Several at once, so that both workers answer some of them.
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: fetch(preview_url, opener), range(12)))
    assert [status for status, _, _ in answers] == [200] * 12
    assert all("Проверьте, что прочитано из файла «taganrog.docx»" in text for _, _, text in answers)


def _multipart(fields: dict[str, str], *, file: tuple[str, str, bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    name, filename, content = file
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_a_reminder_pass_goes_through_the_file_queue_to_the_mail_server(launched, sink):
    """The hourly pass, queued the way the scheduler queues it, is run by make run's worker."""
    day = date.today()
    for _ in range(7):  # the demo's overdue windows are reminded weekly: one of 7 days has some
        queued = subprocess.run(
            [
                sys.executable, "-m", "celery", "-A", "config", "call",
                "monitoring.tasks.send_due_reminders", "--kwargs", json.dumps({"day": day.isoformat()}),
            ],
            cwd=BASE_DIR, env=launched.env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert queued.returncode == 0, queued.stderr
        if sink.wait_for(1, timeout=20):
            break
        day += timedelta(days=1)
    assert sink.messages, launched.output()[-3000:]
    mail = sink.messages[0]
    assert mail["From"].addresses[0].addr_spec == "noreply@example.org"
    assert re.search(r"срок|Просрочено|Школа не выполнила", " ".join(str(mail["Subject"]).split()))
    assert "/roadmaps/activities/" in mail.get_body(("html",)).get_content()


def test_the_web_server_worker_and_scheduler_stop_if_the_launcher_is_killed(tmp_path_factory, smtp_sink):
    """A launcher killed outright (SIGKILL: no chance to stop its children) leaves nothing running."""
    home = tmp_path_factory.mktemp("make-run-killed")
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update(
        VAR_DIR=str(home / "var"),
        DATABASE_URL=f"sqlite:///{home / 'db.sqlite3'}",
        STATIC_ROOT=str(home / "static"),
    )
    port = free_port()
    log = home / "serve.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "config.serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=BASE_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + START_TIMEOUT
    while len(_processes_with(f"VAR_DIR={home / 'var'}")) < 4 or not _answers(f"http://127.0.0.1:{port}"):
        assert process.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.5)
    process.kill()
    process.wait()
    deadline = time.monotonic() + 30
    while _processes_with(f"VAR_DIR={home / 'var'}") and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _processes_with(f"VAR_DIR={home / 'var'}") == []


def test_stopping_it_stops_the_web_server_worker_and_scheduler(launched):
    launched.process.send_signal(signal.SIGTERM)
    assert launched.process.wait(timeout=40) == 0
    assert "Портал остановлен." in launched.output()
    assert not _answers(launched.url)
    assert _processes_with(f"VAR_DIR={launched.home / 'var'}") == []


def _processes_with(variable: str) -> list[str]:
    """The command lines of the processes started with this environment variable."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if variable.encode() in (proc / "environ").read_bytes().split(b"\0"):
                found.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, ValueError):
            continue
    return found
