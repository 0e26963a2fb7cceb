"""Roadmaps models, split by topic:

- ``roadmap``: the roadmap's header, who may see it, its period, its decisions (approval,
  revisions, archive), the schools taking part and its target indicators;
- ``rows``: its table: sections and activity rows, their deadlines and executors, and the trash;
- ``marks``: over the year, the schools' completion marks with evidence, and comments on activities;
- ``imports``: an uploaded roadmap file between its preview and its confirmation;
- ``jobs``: an export asked for, between the request and the download.

Each imports only the ones before it in this list (marks the rows, rows the roadmap); migration
0001 reaches ``roadmaps.models.evidence_upload_to`` through this package.
"""

from roadmaps.models.imports import DRAFT_LIFETIME, ImportDraft, ImportDraftQuerySet
from roadmaps.models.jobs import JOB_LIFETIME, ExpiringQuerySet, ExportJob
from roadmaps.models.marks import Comment, CompletionMark, Evidence, evidence_upload_to
from roadmaps.models.roadmap import (
    DOCUMENT_CASES,
    MAX_PERIOD_YEARS,
    PERIOD_YEARS,
    Roadmap,
    RoadmapEvent,
    RoadmapQuerySet,
    RoadmapSchool,
    TargetIndicator,
    check_period,
)
from roadmaps.models.rows import (
    Activity,
    ActivityQuerySet,
    DeadlineWindow,
    Executor,
    OutsideTrashManager,
    Section,
    TrashEntry,
)

__all__ = [
    "DOCUMENT_CASES",
    "DRAFT_LIFETIME",
    "JOB_LIFETIME",
    "MAX_PERIOD_YEARS",
    "PERIOD_YEARS",
    "Activity",
    "ActivityQuerySet",
    "Comment",
    "CompletionMark",
    "DeadlineWindow",
    "Evidence",
    "Executor",
    "ExportJob",
    "ExpiringQuerySet",
    "ImportDraft",
    "ImportDraftQuerySet",
    "OutsideTrashManager",
    "Roadmap",
    "RoadmapEvent",
    "RoadmapQuerySet",
    "RoadmapSchool",
    "Section",
    "TargetIndicator",
    "TrashEntry",
    "check_period",
    "evidence_upload_to",
]
