"""The results import's preview: the file as read, kept in the database under a token
between the upload and «Загрузить», so that whichever web worker answers sees it."""

from __future__ import annotations

import secrets

from monitoring.models import ResultsImportPreview

# Said for a token that expired, was confirmed already, or never was the user's: the same
# words for all three, so that a guessed token tells nothing.
GONE = "Предпросмотр не найден или устарел (он хранится два часа): загрузите файл ещё раз."


def preview_put(*, kind: str, user, municipality, filename: str, sheet: str, rows: list) -> str:
    """Keep a preview and return its token; stale previews go at the same time."""
    previews_purge()
    token = secrets.token_urlsafe(16)
    ResultsImportPreview.objects.create(
        token=token,
        kind=kind,
        user=user,
        municipality=municipality,
        filename=filename[:255],
        sheet=sheet[:255],
        rows=rows,
    )
    return token


def preview_get(*, kind: str, token: str, user, municipality) -> ResultsImportPreview | None:
    """The user's own live preview of this municipality, or None."""
    return (
        ResultsImportPreview.objects.live()
        .filter(token=token, kind=kind, user=user, municipality=municipality)
        .first()
    )


def preview_forget(*, preview: ResultsImportPreview) -> None:
    ResultsImportPreview.objects.filter(pk=preview.pk).delete()


def previews_purge(*, now=None) -> int:
    """Forget expired previews (at each upload and nightly); return how many went."""
    deleted, _ = ResultsImportPreview.objects.expired(now=now).delete()
    return deleted
