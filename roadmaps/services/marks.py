"""Completion marks: a school marks its part, attaches evidence; a coordinator accepts or returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from roadmaps.models import Activity, Comment, CompletionMark, DeadlineWindow, Evidence, Executor
from schools.uploads import UnsafeFile, check_evidence


class StaleMark(Exception):
    def __init__(self, current: CompletionMark) -> None:
        super().__init__("Отметку уже изменил другой пользователь.")
        self.current = current


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
    content_types = [_evidence_type(upload) for upload in files]
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


def _evidence_type(upload: UploadedFile) -> str:
    try:
        return check_evidence(upload)
    except UnsafeFile as exc:
        raise ValidationError(str(exc)) from exc


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
