"""Completion marks: a school marks its part, attaches evidence; a coordinator accepts or returns."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from roadmaps.models import Activity, Comment, CompletionMark, DeadlineWindow, Evidence, Executor

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
# A document is a ZIP: refuse ones that unpack to absurd sizes before anyone opens them.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000

ZIP_MARKERS = {
    ".docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".odt": ("content.xml", "application/vnd.oasis.opendocument.text"),
}
MAGIC = {
    ".pdf": (b"%PDF-", "application/pdf"),
    ".jpg": (b"\xff\xd8\xff", "image/jpeg"),
    ".jpeg": (b"\xff\xd8\xff", "image/jpeg"),
    ".png": (b"\x89PNG\r\n\x1a\n", "image/png"),
}
ALLOWED = "PDF, DOCX, XLSX, ODT, JPG, PNG"


class StaleMark(Exception):
    def __init__(self, current: CompletionMark) -> None:
        super().__init__("Отметку уже изменил другой пользователь.")
        self.current = current


def check_evidence_file(upload: UploadedFile) -> str:
    """Check size and content, not only the extension; return the content type.

    Raises ValidationError with a message a principal understands.
    """
    name = upload.name or "файл"
    suffix = PurePath(name).suffix.lower()
    if upload.size is not None and upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(f"Файл «{name}» больше 20 МБ. Уменьшите его или дайте ссылку на сайт школы.")
    if upload.size == 0:
        raise ValidationError(f"Файл «{name}» пустой.")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if suffix in MAGIC:
        magic, content_type = MAGIC[suffix]
        if not head.startswith(magic):
            raise ValidationError(
                f"Файл «{name}» не похож на {suffix[1:].upper()}: он повреждён или это другой формат."
            )
        return content_type
    if suffix in ZIP_MARKERS:
        marker, content_type = ZIP_MARKERS[suffix]
        if not head.startswith(b"PK\x03\x04"):
            raise ValidationError(
                f"Файл «{name}» не похож на {suffix[1:].upper()}: он повреждён или это другой формат."
            )
        _check_zip(upload, name, marker)
        return content_type
    raise ValidationError(f"Файл «{name}»: такой тип не принимается. Можно прикладывать {ALLOWED}.")


def _check_zip(upload: UploadedFile, name: str, marker: str) -> None:
    try:
        data = upload.read()
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
                raise ValidationError(f"Файл «{name}» распаковывается в слишком большой объём: он не принят.")
            names = {e.filename for e in entries}
            if "EncryptedPackage" in names or any(e.flag_bits & 0x1 for e in entries):
                raise ValidationError(f"Файл «{name}» защищён паролем: снимите защиту и загрузите снова.")
            if marker not in names:
                raise ValidationError(f"Файл «{name}» повреждён или это не тот формат, что указан в имени.")
    except zipfile.BadZipFile as exc:
        raise ValidationError(f"Файл «{name}» повреждён: его не удаётся открыть.") from exc
    finally:
        upload.seek(0)


@dataclass(frozen=True)
class MarkInput:
    status: str
    completed_on: date | None
    comment: str
    link: str = ""


def check_completed_on(completed_on: date | None, *, window: DeadlineWindow, today: date) -> None:
    """A completion date is a day that has come, inside the roadmap's period or after it."""
    if completed_on is None:
        return
    if completed_on > today:
        raise ValidationError(
            {
                "completed_on": f"Дата выполнения {completed_on:%d.%m.%Y} ещё не наступила: укажите прошедший день."
            }
        )
    period_start = window.activity.roadmap.period_start
    if completed_on < period_start:
        raise ValidationError(
            {
                "completed_on": f"Дата выполнения {completed_on:%d.%m.%Y} раньше начала дорожной карты "
                f"({period_start:%d.%m.%Y})."
            }
        )


@transaction.atomic
def mark_submit(
    *,
    executor: Executor,
    window: DeadlineWindow,
    by,
    data: MarkInput,
    files: list[UploadedFile],
    expected_version: int | None,
) -> CompletionMark:
    """Create or update the executor's mark for a window; a resubmission goes back to review.

    ``expected_version`` is the version the form showed (None for a new mark): a mark
    changed meanwhile is refused, not overwritten.
    """
    if window.activity_id != executor.activity_id:
        raise ValidationError("Срок относится к другому мероприятию.")
    if window.is_cancelled or executor.is_dropped:
        raise ValidationError("Этого срока или исполнителя больше нет в мероприятии: отметить его нельзя.")
    check_completed_on(data.completed_on, window=window, today=timezone.localdate())
    content_types = [check_evidence_file(upload) for upload in files]
    mark = CompletionMark.objects.select_for_update().filter(executor=executor, window=window).first()
    if mark is None:
        if expected_version not in (None, 0):
            raise StaleMark(CompletionMark.objects.get(executor=executor, window=window))
        mark = _first_mark(executor=executor, window=window)
    elif expected_version != mark.version:
        raise StaleMark(mark)
    else:
        claimed = CompletionMark.objects.filter(pk=mark.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if not claimed:
            raise StaleMark(CompletionMark.objects.get(pk=mark.pk))
        mark.version = expected_version + 1
    mark.status = data.status
    mark.completed_on = data.completed_on
    mark.comment = data.comment
    mark.marked_by = by
    mark.marked_at = timezone.now()
    mark.review = CompletionMark.Review.PENDING
    mark.reviewed_at = None
    mark.reviewed_by = None
    mark.save()
    for upload, content_type in zip(files, content_types, strict=True):
        evidence = Evidence(
            mark=mark,
            original_name=PurePath(upload.name).name[:255],
            size=upload.size,
            content_type=content_type,
            uploaded_by=by,
        )
        evidence.file.save(upload.name, upload, save=False)
        evidence.save()
    if data.link:
        Evidence.objects.create(mark=mark, url=data.link, uploaded_by=by)
    return mark


def _first_mark(*, executor: Executor, window: DeadlineWindow) -> CompletionMark:
    """The mark row of a first save, written at once so that of two first saves at the same
    moment one wins and the other is refused as stale (the unique (executor, window) pair),
    never half-written."""
    try:
        with transaction.atomic():
            return CompletionMark.objects.create(executor=executor, window=window, marked_at=timezone.now())
    except IntegrityError:
        current = CompletionMark.objects.filter(executor=executor, window=window).first()
        if current is None:
            raise
        raise StaleMark(current) from None


@transaction.atomic
def mark_review(
    *, mark: CompletionMark, by, accept: bool, comment: str, expected_version: int
) -> CompletionMark:
    """Accept a mark, or return it with a comment; the school sees the return and resubmits."""
    if not accept and not comment.strip():
        raise ValidationError("Напишите, что нужно доработать: без комментария отметку не вернуть.")
    claimed = CompletionMark.objects.filter(pk=mark.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        raise StaleMark(CompletionMark.objects.get(pk=mark.pk))
    mark.refresh_from_db()
    if accept and mark.status != CompletionMark.Status.DONE:
        raise ValidationError("Принять можно только отметку «Выполнено».")
    mark.review = CompletionMark.Review.ACCEPTED if accept else CompletionMark.Review.RETURNED
    mark.review_comment = comment.strip()
    mark.reviewed_by = by
    mark.reviewed_at = timezone.now()
    mark.save()
    return mark


@transaction.atomic
def mark_review_withdraw(*, mark: CompletionMark, by, comment: str, expected_version: int) -> CompletionMark:
    """Take back an acceptance (accepted by mistake, or the evidence turned out wrong): the mark
    waits for review again, with the reason; the history keeps who accepted and who withdrew."""
    if not comment.strip():
        raise ValidationError("Напишите, почему принятие отменяется.")
    claimed = CompletionMark.objects.filter(
        pk=mark.pk, version=expected_version, review=CompletionMark.Review.ACCEPTED
    ).update(version=F("version") + 1)
    if not claimed:
        raise StaleMark(CompletionMark.objects.get(pk=mark.pk))
    mark.refresh_from_db()
    mark.review = CompletionMark.Review.PENDING
    mark.review_comment = f"Принятие отменено: {comment.strip()}"
    mark.reviewed_by = by
    mark.reviewed_at = timezone.now()
    mark.save()
    return mark


def comment_add(*, activity: Activity, by, text: str) -> Comment:
    text = text.strip()
    if not text:
        raise ValidationError("Комментарий пустой.")
    return Comment.objects.create(activity=activity, author=by, text=text)
