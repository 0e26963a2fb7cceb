from __future__ import annotations

import json
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from monitoring.reminders.services import reminders_claim, reminders_send_now


class Command(BaseCommand):
    help = (
        "Один проход напоминаний за весь день (в любой час), синхронно, через почтовый сервер "
        "из EMAIL_URL. Последняя строка — итог в JSON: отправлено, уже было, ошибки."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="день прохода, ГГГГ-ММ-ДД (по умолчанию — сегодня)")

    def handle(self, *args, today: str | None = None, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"Дата должна быть в виде ГГГГ-ММ-ДД, а не «{today}».") from None
        result = reminders_claim(day=day)
        # Failed sends are tried again after these pauses, then marked failed for the admin.
        delays = tuple(getattr(settings, "REMINDER_SEND_NOW_DELAYS", (1, 3)))
        sent, failed = reminders_send_now(ids=result.claimed, delays=delays)
        if options["verbosity"] > 1:
            self.stdout.write(
                f"{day:%d.%m.%Y}: к отправке {len(result.claimed)}, уже было {result.already_sent}"
            )
        self.stdout.write(json.dumps({"sent": sent, "already_sent": result.already_sent, "failed": failed}))
