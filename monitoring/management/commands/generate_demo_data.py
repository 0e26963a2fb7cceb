from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from monitoring.demo.country import (
    METHODS,
    MUNICIPAL_YEARS,
    DemoDataExists,
    demo_data_generate,
    demo_data_vacuum,
)


class Command(BaseCommand):
    help = (
        "Создать большой правдоподобный набор демо-данных: регионы, муниципалитеты, школы, дорожные карты, "
        "мероприятия, сроки, исполнители, отметки, результаты. Мероприятий: A × M × "
        f"({MUNICIPAL_YEARS} + S) — {MUNICIPAL_YEARS} муниципальные карты на муниципалитет и по одной на школу. "
        "Последняя строка — итог в JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipalities", type=int, required=True, help="M: сколько муниципалитетов")
        parser.add_argument("--schools-per-municipality", type=int, required=True, help="S: школ в каждом")
        parser.add_argument(
            "--activities-per-roadmap", type=int, required=True, help="A: мероприятий в карте"
        )
        parser.add_argument("--seed", type=int, default=1, help="зерно: с тем же зерном — те же данные")
        parser.add_argument("--region-size", type=int, default=30, help="муниципалитетов в регионе")
        parser.add_argument("--today", help="день, на который расставлены отметки, ГГГГ-ММ-ДД")
        parser.add_argument(
            "--method",
            choices=METHODS,
            help="как писать строки (по умолчанию COPY в PostgreSQL, иначе insert)",
        )

    def progress(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()  # shown as it happens, also when the output goes to a file

    def handle(self, *args, **options):
        try:
            today = date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"Дата должна быть в виде ГГГГ-ММ-ДД, а не «{options['today']}».") from None
        sizes = [options[k] for k in ("municipalities", "schools_per_municipality", "region_size")]
        if min(sizes) < 1 or options["activities_per_roadmap"] < 1:
            raise CommandError(
                "Число муниципалитетов, школ, мероприятий и размер региона должны быть больше нуля."
            )
        if options["method"] == "copy" and connection.vendor != "postgresql":
            raise CommandError("Способ copy работает только с PostgreSQL.")
        try:
            report = demo_data_generate(
                municipalities=options["municipalities"],
                schools_per_municipality=options["schools_per_municipality"],
                activities_per_roadmap=options["activities_per_roadmap"],
                seed=options["seed"],
                region_size=options["region_size"],
                today=today,
                method=options["method"],
                log=self.progress,
            )
        except DemoDataExists:
            raise CommandError(
                "Сгенерированные демо-данные уже есть в этой базе: второй набор не создаётся. "
                "Создайте новую базу (migrate, seed_demo) и запустите команду в ней."
            ) from None
        for table, count in report.counts.items():
            self.stdout.write(f"  {table:<34} {_n(count):>12} строк  {report.write_seconds[table]:8.1f} с")
        if not report.risk_factors:
            self.stdout.write(
                "Каталог факторов риска пуст: уровни рисков школ и теги мероприятий не созданы."
            )
        vacuum = None
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            vacuum = demo_data_vacuum()
            self.stdout.write(f"VACUUM ANALYZE: {vacuum:.1f} с")
        self.stdout.write(
            f"Всего строк: {_n(sum(report.counts.values()))}; создание {report.generate_seconds:.1f} с, "
            f"запись {sum(report.write_seconds.values()):.1f} с, итого {report.total_seconds:.1f} с"
        )
        summary = {
            "method": report.method,
            "rows": sum(report.counts.values()),
            "activities": report.counts.get("roadmaps_activity", 0),
            "seconds": round(report.total_seconds + (vacuum or 0), 1),
            "risk_factors": report.risk_factors,
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False))


def _n(number: int) -> str:
    return f"{number:,}".replace(",", " ")
