"""``manage.py import_schools FILE --municipality <id or name> [--dry-run] [--invite]``: the
registry import of the portal's page, from the command line. The last line of the output is one
JSON object for scripts; the exit status is 1 when the file has errors (nothing is imported)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from schools.imports.services import registry_import
from schools.models import Municipality
from schools.russian import plural
from schools.uploads import UnsafeFile, check_size


class Command(BaseCommand):
    help = "Загрузить реестр школ муниципалитета из таблицы Excel (.xlsx) или CSV."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--municipality", required=True, help="номер или точное название муниципалитета")
        parser.add_argument("--dry-run", action="store_true", help="только проверить, ничего не сохранять")
        parser.add_argument(
            "--invite", action="store_true", help="пригласить директоров с e-mail и без учётной записи"
        )

    def handle(self, *args, file: Path, municipality: str, dry_run: bool, invite: bool, **options) -> None:
        place = _municipality(municipality)
        try:
            check_size(file.stat().st_size)  # before reading a byte of it
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Файл {file} не прочитан: {exc.strerror}.") from exc
        except UnsafeFile as exc:
            raise CommandError(str(exc)) from exc
        summary = registry_import(
            municipality=place, content=content, file_name=file.name, by=None, dry_run=dry_run
        )
        invited = 0
        if invite and not dry_run and not summary.errors:
            from schools.invitations.services import directors_invite  # another slice, used only here

            invited = directors_invite(municipality=place)
        self._report(place, summary, dry_run=dry_run, invited=invited)
        if summary.errors:
            sys.exit(1)

    def _report(self, place: Municipality, summary, *, dry_run: bool, invited: int) -> None:
        out = self.stdout
        if summary.errors:
            out.write(f"{place}: в файле ошибки, ничего не загружено.")
            for line, message in summary.errors:
                out.write(f"  строка {line}: {message}" if line else f"  {message}")
        else:
            verb = "Проверено (ничего не сохранено)" if dry_run else "Загружено"
            out.write(
                f"{place}: {verb}: создано {summary.created}, обновлено {summary.updated}, "
                f"без изменений {summary.unchanged}."
            )
            if invited:
                out.write(f"Приглашено {invited} {plural(invited, 'директор', 'директора', 'директоров')}.")
        report = summary.as_json()
        report = {k: report[k] for k in ("created", "updated", "unchanged")} | {"invited": invited}
        out.write(json.dumps(report | {"errors": summary.as_json()["errors"]}, ensure_ascii=False))


def _municipality(value: str) -> Municipality:
    if value.isascii() and value.isdigit():
        found = Municipality.objects.filter(pk=int(value)).select_related("region").first()
        if found:
            return found
    matches = list(Municipality.objects.filter(name=value).select_related("region"))
    if len(matches) == 1:
        return matches[0]
    if matches:
        regions = ", ".join(sorted(m.region.name for m in matches))
        raise CommandError(
            f"Муниципалитет «{value}» есть в нескольких регионах ({regions}): укажите его номер."
        )
    raise CommandError(f"Муниципалитет «{value}» не найден: укажите номер или точное название.")
