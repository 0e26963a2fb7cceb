"""The activity-text search of the roadmap list has a trigram index on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection

from roadmaps.models import Activity

pytestmark = pytest.mark.django_db


def test_activity_text_search_is_served_by_the_trigram_index():
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            # The migration does nothing elsewhere: SQLite has no such index.
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%trgm%'")
            assert cursor.fetchall() == []
            return
        # The test data are small, where a scan of the table wins; forbid scans to see the
        # planner reach for the index (a GIN index is read by a bitmap scan).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        search = Activity.objects.filter(content__icontains="вебинар").order_by().values("pk")
        sql, params = search.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "activity_content_trgm_idx" in plan
