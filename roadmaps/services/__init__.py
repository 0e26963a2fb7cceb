"""Writes that span several roadmap models, by topic:

- ``loading``: a whole roadmap from its structured form; windows and executors re-read from
  the texts in place, so that no mark is ever lost to an edit;
- ``editing``: what department staff do to a roadmap in the browser;
- ``marks``: completion marks, evidence, acceptance and comments;
- ``kept``: marks kept after their window or executor left the text, and their removal;
- ``trash``: «Корзина», deleted rows and sections kept restorable until it is emptied.
"""

from __future__ import annotations

from roadmaps.services.loading import (
    ExecutorResolver,
    Rederived,
    activity_set_executors,
    activity_set_windows,
    roadmap_load,
)

__all__ = ["ExecutorResolver", "Rederived", "activity_set_executors", "activity_set_windows", "roadmap_load"]
