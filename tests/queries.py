"""Counting a page's own queries."""

from __future__ import annotations

from django.conf import settings


def own_queries(captured) -> int:
    """The queries of a CaptureQueriesContext, less those of the database cache.

    Without Redis the cache (import previews, export jobs) is a table of the database, and
    each get or set costs a few fixed queries that Redis answers outside the database."""
    table = settings.CACHES["default"].get("LOCATION", "")
    if not settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        return len(captured)
    return sum(1 for query in captured if table not in query["sql"])
