from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command


def run(*args: str) -> dict:
    """Run the command as a user would and read the JSON on its last line."""
    result = subprocess.run(
        [sys.executable, "manage.py", "parse_deadline", *args],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_prints_the_windows_of_a_list_of_months_as_json():
    assert run("январь, март, июнь, ноябрь,", "--period", "2021-09-01:2022-08-31") == {
        "windows": [
            {"start": "2021-11-01", "end": "2021-11-30"},
            {"start": "2022-01-01", "end": "2022-01-31"},
            {"start": "2022-03-01", "end": "2022-03-31"},
            {"start": "2022-06-01", "end": "2022-06-30"},
        ],
        "needs_date": False,
    }


def test_it_flags_text_that_needs_a_date():
    assert run("По отдельному графику", "--period", "2021-09-01:2022-08-31") == {
        "windows": [],
        "needs_date": True,
    }


def test_a_deadline_with_open_start_prints_null():
    assert run("до 10 марта 2023 г.", "--period", "2022-09-01:2023-08-31") == {
        "windows": [{"start": None, "end": "2023-03-10"}],
        "needs_date": False,
    }


@pytest.mark.parametrize("period", ["2022-09-01", "2023-09-01:2022-08-31", "вчера:завтра"])
def test_a_wrong_period_gets_a_russian_message(period):
    with pytest.raises(CommandError, match="[Пп]ериод"):
        call_command("parse_deadline", "май", period=period)
