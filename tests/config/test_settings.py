from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_deploy_check_is_clean_with_debug_off_and_real_secrets():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="k7#Vq9!zR2@mW4$xP8^tL1&nB6*cJ3(hF5)dG0-sY" * 2,
        ALLOWED_HOSTS="roadmaps.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="false", ALLOWED_HOSTS="roadmaps.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_interface_speaks_russian_in_moscow_time():
    assert settings.LANGUAGE_CODE == "ru"
    assert settings.TIME_ZONE == "Europe/Moscow"


def test_postgresql_sessions_run_without_jit():
    """The dashboards' aggregates are slower with PostgreSQL's JIT (see bench/dashboards.py)."""
    show_jit = "from django.db import connection; c = connection.cursor(); c.execute('SHOW jit'); print(c.fetchone()[0])"
    result = manage(
        "shell",
        "-c",
        show_jit,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "off"
