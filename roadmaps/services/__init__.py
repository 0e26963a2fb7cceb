"""Writes that span several roadmap models, by topic:

- ``loading``: a whole roadmap from its structured form, windows and executors from texts;
- ``editing``: what department staff do to a roadmap in the browser;
- ``marks``: completion marks, evidence, acceptance and comments.
"""

from __future__ import annotations

from roadmaps.services.loading import (
    ExecutorResolver,
    activity_set_executors,
    activity_set_windows,
    roadmap_load,
)

__all__ = ["ExecutorResolver", "activity_set_executors", "activity_set_windows", "roadmap_load"]
