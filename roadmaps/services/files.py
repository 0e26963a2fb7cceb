"""Evidence files that no evidence row points at any more.

The services delete a file once the deletion of its row commits (``trash``'s purge,
``kept.mark_discard``). A file can still be left behind: a mark's upload is written before its
transaction commits, and a transaction that rolls back afterwards (a database error, a worker
killed mid-request) leaves the file without a row; a file removed or replaced in the admin stays
on disk; a process that stops between the commit and the deletion leaves it too. Evidence is
personal data: nightly, such files go (``config/celery.py``, or ``manage.py
purge_evidence_orphans``).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from roadmaps.models import Evidence

# A file written in the last day may belong to an upload whose transaction has not committed yet.
ORPHAN_AGE = timedelta(days=1)
FOLDER = "evidence"


def evidence_orphans(*, older_than: timedelta = ORPHAN_AGE, now=None) -> list[str]:
    """Names in storage under ``evidence/``, older than ``older_than``, of no evidence row."""
    storage = Evidence._meta.get_field("file").storage
    cutoff = (now or timezone.now()) - older_than
    try:
        _, names = storage.listdir(FOLDER)
    except FileNotFoundError:
        return []
    old = [f"{FOLDER}/{name}" for name in names if storage.get_modified_time(f"{FOLDER}/{name}") < cutoff]
    orphans = []
    for start in range(0, len(old), 500):
        batch = old[start : start + 500]
        known = set(Evidence.objects.filter(file__in=batch).values_list("file", flat=True))
        orphans += [name for name in batch if name not in known]
    return orphans


def evidence_orphans_purge(*, older_than: timedelta = ORPHAN_AGE, now=None) -> int:
    """Delete the orphan evidence files; return how many went."""
    storage = Evidence._meta.get_field("file").storage
    orphans = evidence_orphans(older_than=older_than, now=now)
    for name in orphans:
        storage.delete(name)
    return len(orphans)
