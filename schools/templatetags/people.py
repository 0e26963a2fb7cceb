from __future__ import annotations

from django import template

from schools.permissions import has_no_role, manages_anything

register = template.Library()


@register.filter
def manages(user) -> bool:
    """``{% if user|manages %}``: the «Школы» and «Пользователи» pages are the user's."""
    return user.is_authenticated and manages_anything(user)


@register.filter
def has_role(user) -> bool:
    """``{% if user|has_role %}``: the portal's pages are for users with a role (or superusers);
    a user with none sees only the page that says whom to ask."""
    return user.is_authenticated and not has_no_role(user)
