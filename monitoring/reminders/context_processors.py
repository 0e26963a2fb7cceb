from __future__ import annotations

from monitoring.models import Notification


def notifications(request) -> dict:
    """``unread_notifications_count`` for the header counter: one indexed COUNT, only when used."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        return Notification.objects.for_user(user).unread().count()

    # Django calls a callable in the context when the template reads it.
    return {"unread_notifications_count": count}
