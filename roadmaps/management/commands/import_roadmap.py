from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from roadmaps.documents.importer import import_roadmap, rows_in_order, summary
from roadmaps.documents.services import ImportRefused, roadmap_import
from schools.models import Organisation
from schools.uploads import UnsafeFile, check_size


class Command(BaseCommand):
    help = (
        "Загрузить дорожную карту из DOCX или XLSX. Последняя строка вывода — JSON: "
        "мероприятия, разделы, строки без даты, нераспознанные исполнители. С --rows перед ней — "
        "по строке JSON на каждую строку таблицы, в порядке документа."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="файл .docx или .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="только разобрать, ничего не сохранять")
        parser.add_argument(
            "--rows",
            action="store_true",
            help="напечатать каждую строку таблицы (раздел, номер, содержание, срок, ответственный, "
            "результат, номер родительского мероприятия) как JSON",
        )
        parser.add_argument("--owner", help="организация-владелец: id или полное название (без --dry-run)")

    def handle(self, *args, file: str, dry_run: bool, rows: bool, owner: str | None, **options) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Файл не найден: {file}")
        owner_org = None if dry_run else self._owner(owner)
        try:
            check_size(path.stat().st_size)  # before reading a byte of it
            data = import_roadmap(path.read_bytes(), filename=path.name)
        except UnsafeFile as exc:
            raise CommandError(str(exc)) from exc
        if owner_org is not None:
            try:
                roadmap = roadmap_import(data=data, owner=owner_org)
            except ImportRefused as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"Загружена дорожная карта № {roadmap.pk}: {roadmap.title}")
        if rows:
            for row in rows_in_order(data):
                self.stdout.write(json.dumps(row, ensure_ascii=False))
        self.stdout.write(json.dumps(summary(data), ensure_ascii=False))

    def _owner(self, owner: str | None) -> Organisation:
        if not owner:
            raise CommandError("Укажите организацию-владельца: --owner <id или название> (или --dry-run).")
        found = (
            Organisation.objects.filter(pk=int(owner))
            if owner.isdigit()
            else Organisation.objects.filter(name=owner)
        )
        match list(found[:2]):
            case [organisation]:
                return organisation
            case []:
                raise CommandError(f"Организация не найдена: {owner}")
            case _:
                raise CommandError(f"Название подходит нескольким организациям, укажите id: {owner}")
