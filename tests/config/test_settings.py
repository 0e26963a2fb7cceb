from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.views.defaults import server_error

from config.errors import ExceptionReporterFilter

REAL_KEY = "k7#Vq9!zR2@mW4$xP8^tL1&nB6*cJ3(hF5)dG0-sY" * 2
PRINT_SETTINGS = (
    "from django.conf import settings as s; "
    "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
    "s.CACHES['default']['BACKEND'].rsplit('.', 1)[-1], s.CELERY_BROKER_URL)"
)


def manage(*args: str, tmp_path, **env: str) -> subprocess.CompletedProcess:
    """manage.py as a newcomer runs it: none of the suite's variables, an empty VAR_DIR."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "SITE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "DJANGO_SETTINGS_MODULE",
            "REDIS_URL",
            "EMAIL_URL",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, "VAR_DIR": str(tmp_path / "var"), **env},
        capture_output=True,
        text=True,
    )


def last_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_deploy_check_is_clean_behind_https_with_real_secrets(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        SECRET_KEY=REAL_KEY,
        SITE_URL="https://roadmaps.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_any_variable_debug_is_off_and_a_key_is_required(tmp_path):
    result = manage("check", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "make run" in result.stderr


def test_the_key_file_of_make_run_is_enough_and_debug_stays_off(tmp_path):
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "secret_key").write_text(REAL_KEY + "\n")
    assert last_line(manage("shell", "-c", PRINT_SETTINGS, tmp_path=tmp_path)) == (
        "False False False 0 DatabaseCache filesystem://"
    )


def test_https_redirect_secure_cookies_and_hsts_follow_an_https_site_url(tmp_path):
    printed = last_line(
        manage(
            "shell",
            "-c",
            PRINT_SETTINGS,
            tmp_path=tmp_path,
            SECRET_KEY=REAL_KEY,
            SITE_URL="https://roadmaps.example.org",
            REDIS_URL="redis://127.0.0.1:6379/15",
        )
    )
    assert printed == "False True True 31536000 RedisCache redis://127.0.0.1:6379/15"


def test_the_development_key_needs_debug_asked_for(tmp_path):
    printed = last_line(
        manage(
            "shell",
            "-c",
            "from django.conf import settings as s; print(s.DEBUG)",
            tmp_path=tmp_path,
            DEBUG="1",
        )
    )
    assert printed == "True"


def test_the_site_url_host_is_allowed_and_trusted_for_forms(tmp_path):
    # docker compose passes an unset variable as an empty one: it means the default.
    show = "from django.conf import settings as s; print(s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS)"
    printed = last_line(
        manage(
            "shell",
            "-c",
            show,
            tmp_path=tmp_path,
            SECRET_KEY=REAL_KEY,
            SITE_URL="http://portal.uo.local:8000",
            ALLOWED_HOSTS="",
            CSRF_TRUSTED_ORIGINS="",
        )
    )
    assert printed == "['portal.uo.local', '127.0.0.1', 'localhost'] ['http://portal.uo.local:8000']"


def test_the_interface_speaks_russian_in_moscow_time():
    assert settings.LANGUAGE_CODE == "ru"
    assert settings.TIME_ZONE == "Europe/Moscow"


def test_postgresql_sessions_run_without_jit(tmp_path):
    """The dashboards' aggregates are slower with PostgreSQL's JIT (see bench/dashboards.py)."""
    show_jit = "from django.db import connection; c = connection.cursor(); c.execute('SHOW jit'); print(c.fetchone()[0])"
    result = manage(
        "shell",
        "-c",
        show_jit,
        tmp_path=tmp_path,
        SECRET_KEY=REAL_KEY,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
    )
    assert last_line(result) == "off"


def test_a_password_inside_a_url_never_reaches_an_error_report():
    request = RequestFactory().get(
        "/",
        EMAIL_URL="smtp+tls://portal:mail-secret@mail.example.ru:587",
        DATABASE_URL="postgres://portal:db-secret@postgres:5432/portal",
        SITE_URL="https://roadmaps.example.ru",
    )
    meta = ExceptionReporterFilter().get_safe_request_meta(request)
    assert "mail-secret" not in str(meta) and "db-secret" not in str(meta)
    assert meta["SITE_URL"] == "https://roadmaps.example.ru"


def test_an_error_report_lists_every_setting_lazy_ones_too():
    """The debug page and the error mails list the settings: django-axes sets one of them
    lazily, which once broke the report itself (every 404 of the development server a 500)."""
    safe = ExceptionReporterFilter().get_safe_settings()
    assert safe["AXES_USERNAME_FORM_FIELD"] == "username"
    assert safe["SECRET_KEY"] != settings.SECRET_KEY


@pytest.mark.django_db
def test_a_missing_page_answers_the_russian_404_without_the_url_list(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Страница не найдена" in text
    assert "URLconf" not in text and "urlpatterns" not in text


def test_a_server_error_answers_the_russian_500():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Ошибка на сервере" in response.content.decode()
