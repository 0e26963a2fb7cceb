from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from monitoring.reminders.services import reminders_claim, reminders_due, reminders_send_pass


class Command(BaseCommand):
    help = (
        "Один проход напоминаний за весь день (в любой час), синхронно, через почтовый сервер "
        "из EMAIL_URL; заодно повторяет неотправленные, чей срок повтора настал. Последняя строка — "
        "итог в JSON: отправлено, уже было отправлено, ждут повтора, не отправлены окончательно."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="день прохода, ГГГГ-ММ-ДД (по умолчанию — сегодня)")

    def handle(self, *args, today: str | None = None, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"Дата должна быть в виде ГГГГ-ММ-ДД, а не «{today}».") from None
        result = reminders_claim(day=day)
        # This pass's claims, then the earlier failures whose retry has come.
        claimed = set(result.claimed)
        retries = [pk for pk in reminders_due() if pk not in claimed]
        sent = reminders_send_pass(ids=result.claimed + retries)
        if options["verbosity"] > 1:
            self.stdout.write(
                f"{day:%d.%m.%Y}: к отправке {len(result.claimed)}, повторов {len(retries)}, "
                f"уже было отправлено {result.already_sent}"
            )
        summary = {
            "sent": sent.sent,
            "already_sent": result.already_sent,
            "retry": sent.retry,
            "failed": sent.failed,
        }
        self.stdout.write(json.dumps(summary))
