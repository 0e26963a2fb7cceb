"""The limits of what people send: the one parser of numbers in addresses and hidden fields, and
the longest texts the portal keeps.

Numbers (``?page=``, ``?year=``, ``?section=``, a hidden field): no address answers 500.
``int("²")`` raises although ``"²".isdigit()`` is true, ``int("٣")`` is 3, and
``99999999999999999999`` is a valid Python int that no database column or ``OFFSET`` takes.
Only ASCII digits are read, and no more of them than a 64-bit integer holds; anything else is
the caller's default, which the page shows instead (Django's ``Paginator.get_page`` does the
same for a page number it cannot read).
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"[0-9]{1,18}")

# A page past the last one shows the last one. No table has a million pages; capping the
# number keeps ``(page - 1) * size`` an offset every database accepts.
MAX_PAGE = 1_000_000


def int_param(value: str | None, default: int | None = None) -> int | None:
    """The non-negative whole number written in ``value``, or ``default``."""
    if value is None or not _NUMBER.fullmatch(value):
        return default
    return int(value)


def academic_year_param(value: str | None, default: int) -> int:
    """The first year of an academic year, 2000 to 2100 (as the registry's rows allow), or
    ``default``: ``?year=2026`` means 2026/2027."""
    year = int_param(value)
    return year if year is not None and 2000 <= year <= 2100 else default


def page_number(value: str | None) -> int:
    """A page number from 1 to ``MAX_PAGE``: 1 for anything that is not a positive number."""
    return min(max(int_param(value, 1), 1), MAX_PAGE)


# The longest text a field keeps, generous beside the real documents (the longest activity of
# the seed roadmaps has 1,110 characters, the longest section title 383, the longest deadline
# 90). Set as ``max_length`` on the models' TextFields, so that every ModelForm and the admin
# refuse more with Django's Russian message («…не более 5000 символов (сейчас 12345).») and
# draw a ``maxlength`` attribute; the forms that are not ModelForms read the same field's
# limit, and the import checks its rows against them before saving (``documents.services``).
TEXT_LIMIT = 5_000  # an activity, an expected result, a comment, a note
LINE_LIMIT = 1_000  # a title, a deadline as written, the executors as written, an indicator
