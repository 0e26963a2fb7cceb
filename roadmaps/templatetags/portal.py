from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def who(user, default: str = "—") -> str:
    """A user's name as people read it: «Баркалова Е.В.», else the login, else a dash."""
    if user is None:
        return default
    return user.get_full_name() or user.get_username()
