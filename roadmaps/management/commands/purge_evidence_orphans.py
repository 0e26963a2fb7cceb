from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand

from roadmaps.services.files import ORPHAN_AGE, evidence_orphans, evidence_orphans_purge


class Command(BaseCommand):
    help = (
        "Удалить файлы подтверждений, на которые не ссылается ни одно подтверждение "
        "(старше суток: идущая загрузка не задевается). Запускается и каждую ночь."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="только показать, что было бы удалено")
        parser.add_argument(
            "--hours", type=int, default=int(ORPHAN_AGE.total_seconds() // 3600), help="не моложе, часов"
        )

    def handle(self, *args, dry_run: bool, hours: int, **options) -> None:
        older_than = timedelta(hours=hours)
        if dry_run:
            orphans = evidence_orphans(older_than=older_than)
            for name in orphans:
                self.stdout.write(name)
            self.stdout.write(f"Было бы удалено файлов: {len(orphans)}.")
            return
        self.stdout.write(
            f"Удалено файлов без подтверждений: {evidence_orphans_purge(older_than=older_than)}."
        )
