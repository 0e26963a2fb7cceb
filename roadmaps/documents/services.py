"""Importing a roadmap: the upload kept as a draft (read at once or by a worker), corrected page
by page, and confirmed once into a draft roadmap by the seed loader, pointed at an owner the
user chose."""

from __future__ import annotations

import copy
import logging
import uuid
from datetime import date
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from roadmaps.documents.importer import import_roadmap, summary
from roadmaps.models import Activity, ImportDraft, Roadmap, Section, TargetIndicator, check_period
from roadmaps.services.loading import roadmap_load, schools_in_registry
from schools.models import Organisation
from schools.uploads import Kind, UnsafeFile, check_upload

logger = logging.getLogger(__name__)

# The fields of an activity row the preview lets the user correct.
ROW_FIELDS = ("number", "content", "deadline", "responsible")


class ImportRefused(ValueError):
    """The import cannot be saved as asked; the message is for the user."""


class AlreadyConfirmed(ImportRefused):
    """The draft was confirmed before (a second click, a second tab)."""

    def __init__(self, roadmap: Roadmap | None) -> None:
        super().__init__(f"Эта загрузка уже подтверждена: {roadmap or 'дорожная карта удалена'}.")
        self.roadmap = roadmap


class DuplicateNotConfirmed(ImportRefused):
    """A roadmap with the same title, period and owner exists and the user has not said that
    they mean another one."""


# --- Reading the upload into a draft ---------------------------------------------------------


@transaction.atomic
def draft_read_now(*, user, owner: Organisation, file_name: str, content: bytes, kind: Kind) -> ImportDraft:
    """Read the file in this request; raise UnsafeFile (nothing kept) when it is refused."""
    data = import_roadmap(content, filename=file_name)
    drafts_purge()
    return ImportDraft.objects.create(
        user=user,
        owner=owner,
        file_name=file_name,
        kind=kind,
        data=data,
        summary=summary(data),
        state=ImportDraft.State.READY,
    )


@transaction.atomic
def draft_keep_for_worker(*, user, owner: Organisation, file_name: str, content: bytes) -> ImportDraft:
    """Store the file and a draft «reading» for the worker (``draft_read``) to fill."""
    drafts_purge()
    stored = default_storage.save(f"imports/{uuid.uuid4().hex}", ContentFile(content))
    return ImportDraft.objects.create(
        user=user, owner=owner, file_name=file_name, stored_file=stored, state=ImportDraft.State.READING
    )


def draft_read(*, draft_id: int) -> None:
    """The worker's part: read the stored file into the draft and remove the file.

    Only a draft still «reading» is filled (a redelivered task finds it done and stops), and
    the file goes whatever the outcome: a refused file is not kept.
    """
    draft = ImportDraft.objects.filter(pk=draft_id, state=ImportDraft.State.READING).first()
    if draft is None:
        return
    fields: dict[str, Any] = {"state": ImportDraft.State.FAILED, "stored_file": ""}
    try:
        with default_storage.open(draft.stored_file, "rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        fields["error"] = "Файл не сохранился до обработки. Загрузите его снова."
    else:
        try:
            fields["kind"] = check_upload(content)
            fields["data"] = import_roadmap(content, filename=draft.file_name)
            fields["summary"] = summary(fields["data"])
            fields["state"] = ImportDraft.State.READY
        except UnsafeFile as exc:
            fields["error"] = str(exc)
        except SoftTimeLimitExceeded:
            fields["error"] = (
                "Файл читается слишком долго. Сохраните его как .docx или .xlsx или разделите "
                "на несколько файлов и загрузите снова."
            )
        except Exception:  # noqa: BLE001 - the user gets a message, the log the trace
            logger.exception("import draft %s: the file could not be read", draft_id)
            fields["error"] = (
                "Файл не удалось прочитать. Сохраните его как .docx или .xlsx и загрузите снова."
            )
    ImportDraft.objects.filter(pk=draft_id, state=ImportDraft.State.READING).update(
        **fields, updated_at=timezone.now()
    )
    default_storage.delete(draft.stored_file)


def drafts_purge(*, now=None) -> int:
    """Forget drafts untouched for a week (``DRAFT_LIFETIME``), with any file still stored;
    run at every upload. Return how many went."""
    stale = ImportDraft.objects.stale(now=now)
    for path in stale.exclude(stored_file="").values_list("stored_file", flat=True):
        default_storage.delete(path)
    deleted, _ = stale.delete()
    return deleted


# --- The rows of a draft, page by page -------------------------------------------------------


def draft_rows(data: dict[str, Any]) -> list[tuple[str, dict[str, Any], int]]:
    """Sections and rows in document order: (kind, the dict itself, depth). A row's place in
    this list is its identity on the preview: rows are never taken out, only marked removed."""
    out: list[tuple[str, dict[str, Any], int]] = []

    def rows(activities, depth):
        for row in activities:
            out.append(("activity", row, depth))
            out.extend(("child", child, depth + 1) for child in row["children"])

    def sections(items, depth):
        for section in items:
            out.append(("section", section, depth))
            rows(section["activities"], depth)
            sections(section["subsections"], depth + 1)

    rows(data.get("activities", []), 0)
    sections(data.get("sections", []), 0)
    return out


def row_values(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    """What the preview's form of the row shows."""
    if kind == "section":
        return {"number": row["number"], "content": row["title"]}
    return {**{name: row[name] for name in ROW_FIELDS}, "DELETE": bool(row.get("removed"))}


def _apply(data: dict[str, Any], header: dict[str, Any], rows: dict[int, dict[str, Any]]) -> None:
    """Write the header and the corrected rows (by their place in ``draft_rows``) into data."""
    data["title"] = header["title"]
    data["period_start"] = header["period_start"].isoformat()
    data["period_end"] = header["period_end"].isoformat()
    flat = draft_rows(data)
    for index, values in rows.items():
        kind, row, _ = flat[index]
        if kind == "section":
            row["number"], row["title"] = values["number"], values["content"]
            continue
        for name in ROW_FIELDS:
            row[name] = values[name]
        row["removed"] = bool(values.get("DELETE"))


def importable(data: dict[str, Any]) -> dict[str, Any]:
    """The draft's data as the loader takes it: the removed rows (and their sub-rows) left out."""
    data = copy.deepcopy(data)

    def kept(rows):
        out = []
        for row in rows:
            if row.pop("removed", False):
                continue
            row["children"] = kept(row["children"])
            out.append(row)
        return out

    def sections(items):
        for section in items:
            section["activities"] = kept(section["activities"])
            sections(section["subsections"])

    data["activities"] = kept(data.get("activities", []))
    sections(data.get("sections", []))
    return data


def _locked(draft: ImportDraft) -> ImportDraft:
    """The draft's row, locked until the transaction ends; a confirmed one is refused."""
    # The roadmap is not joined: a second click waits here for the first one's commit, then
    # reads the draft's row as committed but a joined row as it was when its query began.
    draft = ImportDraft.objects.select_for_update(of=("self",)).select_related("owner").get(pk=draft.pk)
    if draft.state == ImportDraft.State.CONFIRMED:
        raise AlreadyConfirmed(draft.roadmap)
    if draft.state != ImportDraft.State.READY:
        raise ImportRefused("Файл ещё не прочитан.")
    return draft


@transaction.atomic
def draft_save(*, draft: ImportDraft, header: dict[str, Any], rows: dict[int, dict[str, Any]]) -> ImportDraft:
    """Save the header and one page's rows into the draft. Locked, so that two tabs editing
    different pages both keep their corrections."""
    draft = _locked(draft)
    _apply(draft.data, header, rows)
    draft.summary = summary(importable(draft.data))
    draft.save(update_fields=["data", "summary", "updated_at"])
    return draft


def duplicates(data: dict[str, Any], owner: Organisation) -> QuerySet[Roadmap]:
    """Roadmaps of the owner with the draft's title and period, drafts included: importing the
    same roadmap again is more often a slip than a new version."""
    return Roadmap.objects.filter(
        owner=owner,
        title=data["title"],
        period_start=data["period_start"],
        period_end=data["period_end"],
    ).order_by("-created_at")


def schools_unknown(data: dict[str, Any], owner: Organisation) -> list[str]:
    """The schools the file lists that the owner's municipality's registry does not have: the
    department's import adds them to the registry on confirm, a school's import leaves them out
    (``loading.schools_in_registry``). The preview names them, so that neither happens unseen."""
    names = [school["name"] for school in data.get("schools", [])]
    return [name for name, school in schools_in_registry(owner, names).items() if school is None]


@transaction.atomic
def draft_confirm(*, draft: ImportDraft, another_one: bool = False) -> Roadmap:
    """Create the roadmap from the draft's data, once: the draft row stays locked until the
    roadmap is saved and the draft marked confirmed, so a second click waits and then finds it
    confirmed (``AlreadyConfirmed``)."""
    draft = _locked(draft)
    if not another_one and duplicates(draft.data, draft.owner).exists():
        raise DuplicateNotConfirmed(
            "Такая дорожная карта уже есть. Отметьте «Да, загрузить ещё одну», если это новая версия."
        )
    roadmap = roadmap_import(data=importable(draft.data), owner=draft.owner)
    draft.state = ImportDraft.State.CONFIRMED
    draft.roadmap = roadmap
    draft.save(update_fields=["state", "roadmap", "updated_at"])
    return roadmap


# What of the draft goes into which model field: (kind of row, key in the data, field, its name).
_LIMITED = [
    ("section", "title", Section._meta.get_field("title"), "название раздела"),
    ("activity", "content", Activity._meta.get_field("content"), "текст мероприятия"),
    ("activity", "deadline", Activity._meta.get_field("deadline_text"), "текст в графе «Сроки»"),
    (
        "activity",
        "responsible",
        Activity._meta.get_field("responsible_text"),
        "текст в графе «Ответственный»",
    ),
    (
        "activity",
        "expected_result",
        Activity._meta.get_field("expected_result"),
        "текст в графе «Ожидаемый результат»",
    ),
]


def too_long(data: dict[str, Any]) -> str | None:
    """The first text of the draft longer than its field keeps, said for the user with its row
    on the preview; None when all fit. A cell of a million characters is refused here rather
    than stored: the models' limits bind the forms, not the loader."""
    for place, (kind, row, _) in enumerate(draft_rows(data), start=1):
        kind = "section" if kind == "section" else "activity"
        for limited_kind, key, field, name in _LIMITED:
            text = row.get(key) or ""
            if limited_kind == kind and len(text) > field.max_length and not row.get("removed"):
                return (
                    f"Строка {place} предпросмотра: {name} длиннее {field.max_length} символов "
                    f"(сейчас {len(text)}). Сократите его или разделите строку на несколько."
                )
    header = [
        ("title", Roadmap._meta.get_field("title"), "название дорожной карты"),
        ("goal", Roadmap._meta.get_field("goal"), "цель"),
    ]
    for key, field, name in header:
        text = data.get(key) or ""
        if len(text) > field.max_length:
            return f"{name.capitalize()} длиннее {field.max_length} символов (сейчас {len(text)})."
    tasks = Roadmap._meta.get_field("tasks")
    if len("\n".join(data.get("tasks") or [])) > tasks.max_length:
        return f"Задачи дорожной карты длиннее {tasks.max_length} символов."
    for item in data.get("indicators") or []:
        for key in ("name", "baseline", "target"):
            limit = TargetIndicator._meta.get_field(key).max_length
            if len(item.get(key) or "") > limit:
                return f"Показатель «{item['name'][:60]}»: текст длиннее {limit} символов."
    return None


@transaction.atomic
def roadmap_import(*, data: dict[str, Any], owner: Organisation) -> Roadmap:
    """Save a roadmap read by ``importer.import_roadmap`` as a draft of ``owner``, all or nothing.

    Every import is a new roadmap: its source key is fresh, so importing the same file
    twice gives two drafts rather than silently returning the first.
    """
    if owner.municipality_id is None:
        raise ImportRefused("Загружать дорожные карты можно только для организаций муниципалитета.")
    if problem := too_long(data):
        raise ImportRefused(problem)
    try:
        check_period(date.fromisoformat(data["period_start"]), date.fromisoformat(data["period_end"]))
    except ValidationError as error:
        raise ImportRefused(" ".join(error.messages)) from None
    payload = {
        **data,
        "key": f"import-{uuid.uuid4().hex}",
        "region": owner.region.name,
        "municipality": owner.municipality.name,
        "owner": {"name": owner.name, "short_name": owner.short_name, "kind": owner.kind},
        "level": Roadmap.Level.SCHOOL if owner.kind == Organisation.Kind.SCHOOL else data.get("level"),
    }
    roadmap, _ = roadmap_load(
        data=payload, status=Roadmap.Status.DRAFT, adds_to_registry=owner.kind != Organisation.Kind.SCHOOL
    )
    if data.get("activities") and data.get("sections"):
        # The loader numbers sections' rows first; rows above the first section came first.
        rows = list(roadmap.activities.order_by("order"))
        rows.sort(key=lambda a: a.section_id is not None)
        for order, activity in enumerate(rows, start=1):
            activity.order = order
        Activity.objects.bulk_update(rows, ["order"])
    return roadmap
