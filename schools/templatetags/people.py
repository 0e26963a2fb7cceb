from __future__ import annotations

from django import template

from schools.permissions import manages_anything

register = template.Library()


@register.filter
def manages(user) -> bool:
    """``{% if user|manages %}``: the «Школы» and «Пользователи» pages are the user's."""
    return user.is_authenticated and manages_anything(user)
