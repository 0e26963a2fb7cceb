from __future__ import annotations

from django import template

from schools.russian import plural

register = template.Library()


@register.filter
def ru_plural(value, forms: str) -> str:
    """``{{ n|ru_plural:"уведомление,уведомления,уведомлений" }}`` -> «3 уведомления»."""
    one, few, many = forms.split(",")
    return f"{value} {plural(int(value), one, few, many)}"
