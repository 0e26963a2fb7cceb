from __future__ import annotations

from django import template
from django.utils.html import format_html

from roadmaps.obligations import STATES, why_not

register = template.Library()

# A (window, executor) that is not an obligation: muted, whatever the reason.
NOT_AN_OBLIGATION_CSS = "light text-muted border"


@register.filter
def who(user, default: str = "—") -> str:
    """A user's name as people read it: «Баркалова Е.В.», else the login, else a dash."""
    if user is None:
        return default
    return user.get_full_name() or user.get_username()


@register.simple_tag
def state_badge(reading, window=None, executor=None, css_class: str = "", prefix: str = "") -> str:
    """An obligation's state as a badge: ``Reading.label`` in ``Reading.css``. ``reading`` None
    (``obligations.reading_of``) reads what ``obligations.why_not`` says of the window and executor."""
    if reading is not None:
        css, label = reading.css, reading.label
    else:
        css, label = NOT_AN_OBLIGATION_CSS, why_not(window, executor)
    title = f"{window}: {label}" if window is not None else label
    text = f"{prefix} {label}" if prefix else label
    return format_html('<span class="badge bg-{} {}" title="{}">{}</span>', css, css_class, title, text)


@register.filter
def by_state(figures: dict) -> list[tuple[object, int]]:
    """Counts per state (``obligations.progress_by_school`` figures) as (State, count), in the table's order."""
    return [(state, figures.get(state.key, 0)) for state in STATES]
