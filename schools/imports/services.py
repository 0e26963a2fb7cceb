"""The registry import: the one home the upload, the preview, the confirmation and the
``import_schools`` command call."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import tablib
from django.db import transaction
from django.utils import timezone

from schools.imports.reading import read_table
from schools.imports.resources import RowPreview, SchoolRegistryResource
from schools.models import Municipality, RegistryImport
from schools.uploads import UnsafeFile

# An unconfirmed draft is forgotten a day after it was uploaded (when the next one comes).
DRAFT_LIFETIME = timedelta(days=1)


@dataclass
class RegistrySummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line of the file, message)
    rows: list[RowPreview] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [{"row": line, "message": message} for line, message in self.errors],
        }


def registry_import(
    *, municipality: Municipality, content: bytes, file_name: str, by, dry_run: bool
) -> RegistrySummary:
    """Read the file and import it into ``municipality``'s registry, all rows or none: with any
    error, or with ``dry_run``, nothing stays. A file that is no table of schools gives one
    error of line 0."""
    try:
        table = read_table(content, file_name)
    except UnsafeFile as exc:
        return RegistrySummary(errors=[(0, str(exc))])
    keys = sorted({key for row in table.rows for key in row})
    dataset = tablib.Dataset(*[[row.get(k, "") for k in keys] for row in table.rows], headers=keys)
    resource = SchoolRegistryResource(municipality=municipality, by=by, columns=table.columns)
    with transaction.atomic():
        result = resource.import_data(
            dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
        )
        summary = RegistrySummary(rows=resource.previews)
        for row in resource.previews:
            summary.errors += [(row.line, message) for message in row.errors]
        for error in result.base_errors:
            summary.errors.append((0, f"Файл не удалось загрузить: {error.error}"))
        if summary.errors:
            transaction.set_rollback(True)
    summary.created = sum(r.kind == "new" for r in summary.rows)
    summary.updated = sum(r.kind == "update" for r in summary.rows)
    summary.unchanged = sum(r.kind == "skip" for r in summary.rows)
    return summary


def draft_create(*, municipality: Municipality, content: bytes, file_name: str, by) -> RegistryImport:
    """Keep the upload between its preview and its confirmation; forget drafts nobody confirmed
    within a day."""
    RegistryImport.objects.filter(confirmed_at=None, created_at__lt=timezone.now() - DRAFT_LIFETIME).delete()
    return RegistryImport.objects.create(
        municipality=municipality, created_by=by, file_name=file_name[:255], content=content
    )


def draft_confirm(*, draft: RegistryImport, by) -> RegistrySummary | None:
    """Import the draft's file for good, once: None when it was confirmed already. With errors
    nothing is imported and the draft stays unconfirmed."""
    with transaction.atomic():
        locked = RegistryImport.objects.select_for_update().get(pk=draft.pk)
        if locked.confirmed_at is not None:
            return None
        summary = registry_import(
            municipality=locked.municipality,
            content=bytes(locked.content),
            file_name=locked.file_name,
            by=by,
            dry_run=False,
        )
        if not summary.errors:
            locked.confirmed_at = timezone.now()
            locked.save(update_fields=["confirmed_at"])
    return summary
