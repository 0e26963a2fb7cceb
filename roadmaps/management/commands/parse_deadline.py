from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from roadmaps.deadlines import parse_deadline, windows_to_json


def parse_period(value: str) -> tuple[date, date]:
    try:
        start, end = (date.fromisoformat(part) for part in value.split(":"))
    except ValueError as exc:
        raise CommandError(
            "Период задаётся как ГГГГ-ММ-ДД:ГГГГ-ММ-ДД, например 2022-09-01:2023-08-31"
        ) from exc
    if start > end:
        raise CommandError("Начало периода позже его конца.")
    return start, end


class Command(BaseCommand):
    help = "Разобрать текст срока в окна дат; последняя строка вывода — JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("text", help="срок, как написано в дорожной карте")
        parser.add_argument("--period", required=True, help="период дорожной карты: ГГГГ-ММ-ДД:ГГГГ-ММ-ДД")

    def handle(self, *args, text: str, period: str, **options) -> None:
        start, end = parse_period(period)
        parsed = parse_deadline(text, start, end)
        self.stdout.write(json.dumps(windows_to_json(parsed), ensure_ascii=False))
