"""Template filters of the dashboards: their tables loop over the obligation states."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def count_of(row: dict, state) -> int:
    """A breakdown row's count of obligations in ``state`` (a ``roadmaps.obligations.State``)."""
    return row[state.key]
