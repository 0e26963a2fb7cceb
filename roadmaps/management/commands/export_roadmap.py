from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from roadmaps.documents.export_docx import export_docx
from roadmaps.documents.export_xlsx import export_xlsx
from roadmaps.documents.rows import fetch_roadmaps


class Command(BaseCommand):
    help = "Выгрузить дорожную карту в DOCX (для печати и подписи) или XLSX."

    def add_arguments(self, parser) -> None:
        parser.add_argument("roadmap_id", type=int)
        parser.add_argument("--format", choices=["docx", "xlsx"], required=True)
        parser.add_argument("--output", required=True, help="куда записать файл")
        parser.add_argument(
            "--marks", action="store_true", help="DOCX: заполнить отметки о выполнении (иначе столбец пуст)"
        )

    def handle(self, *args, roadmap_id: int, format: str, output: str, marks: bool, **options) -> None:
        found = fetch_roadmaps([roadmap_id])
        if not found:
            raise CommandError(f"Дорожная карта № {roadmap_id} не найдена.")
        roadmap = found[0]
        content = (
            export_docx(roadmap, with_marks=marks)
            if format == "docx"
            else export_xlsx([roadmap], on=date.today())
        )
        path = Path(output)
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"Не удалось записать {output}: {exc.strerror}") from exc
        self.stdout.write(f"{path} ({len(content) // 1024} КБ): {roadmap.title}")
