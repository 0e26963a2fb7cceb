"""The rows of the seed roadmaps as a pool of texts for generated activities.

Content, deadline and expected result stay as written; the deadline's years move to the
generated roadmap's year (a text whose dates land in no academic year is left out); the
responsible cell is read once by ``recognise`` into slots (the department, the supervised
schools, the coordinator…) that the generator fills with the generated organisations and people.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings

from roadmaps.deadlines import parse_deadline
from roadmaps.responsible import Group, OrgKind, RefKind, recognise
from schools.models import academic_year_bounds, academic_year_of

SEED_FILES = sorted((Path(settings.BASE_DIR) / "fixtures" / "seeds").glob("*.json"))
SCHOOL_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo" / "school6_antirisk.json"


def shift_years(text: str, years: int) -> str:
    """«Май 2023 г.» -> «Май 2026 г.» for years=3."""
    return re.sub(r"(?<!\d)((?:19|20)\d{2})(?!\d)", lambda m: str(int(m.group(1)) + years), text)


@dataclass(frozen=True)
class PoolRow:
    content: str
    deadline: str
    expected_result: str
    responsible: str  # verbatim; "" when it names people and is rebuilt from slots
    slots: tuple[str, ...]  # who acts: dept, mc, spec, head, coord, sup, mentors, mentor_director, label:…
    year_offset: int  # years to add to the text's years: roadmap year + offset (fits the period)


def _walk(node: dict):
    for row in node.get("activities", []):
        if row.get("children"):
            yield from row["children"]  # the sub-rows carry the dates
        else:
            yield row
    for key in ("sections", "subsections"):
        for section in node.get(key, []):
            yield from _walk(section)


def _slots(text: str) -> tuple[str, ...] | None:
    slots = []
    for ref in recognise(text):
        if ref.kind == RefKind.GROUP:
            slots.append("mentors" if ref.group == Group.MENTORS else "sup")
        elif ref.kind == RefKind.PERSON:
            if "координатор" in ref.position:
                slots.append("coord")
            elif ref.org_kind == OrgKind.SCHOOL:
                slots.append("mentor_director")
            elif ref.org_kind == OrgKind.DEPARTMENT:
                slots.append("head" if "начальник" in ref.position else "spec")
            else:
                return None  # people of an organisation the generated data does not have
        elif ref.org_kind == OrgKind.DEPARTMENT:
            slots.append("dept" if ref.kind == RefKind.ORGANISATION else f"role:{ref.label}")
        elif ref.org_kind == OrgKind.METHODOLOGICAL and ("МЦ" in ref.label or "методкабинет" in ref.label):
            slots.append("mc")
        else:
            slots.append(f"label:{ref.label}")  # РМО, Координационный совет: cannot mark
    return tuple(slots)


def seed_pool(year: int) -> tuple[list[PoolRow], list[PoolRow]]:
    """Rows of the seed roadmaps usable in a roadmap of ``year``: municipal, school."""
    municipal, school = [], []
    start, end = academic_year_bounds(year)
    for path in [*SEED_FILES, SCHOOL_FIXTURE]:
        data = json.loads(path.read_text(encoding="utf-8"))
        seed_year = (
            academic_year_of(date.fromisoformat(data["period_start"])) if "period_start" in data else year
        )
        for row in _walk(data):
            deadline, responsible = row.get("deadline", ""), row.get("responsible", "")
            slots = _slots(responsible)
            if not deadline.strip() or not slots:
                continue
            shift = _fitting_shift(deadline, seed_year, data, year, start, end)
            if shift is None:
                continue
            names_people = any(s in ("coord", "head", "spec", "mentor_director") for s in slots)
            pool_row = PoolRow(
                content=row["content"].strip(),
                deadline=deadline,
                expected_result=row.get("expected_result", ""),
                responsible="" if names_people else responsible,
                slots=slots,
                year_offset=shift - seed_year,
            )
            if path == SCHOOL_FIXTURE or "sup" in slots:
                school.append(pool_row)
            if path != SCHOOL_FIXTURE:
                municipal.append(pool_row)
    return municipal, school


def _fitting_shift(
    deadline: str, seed_year: int, data: dict, year: int, start: date, end: date
) -> int | None:
    """The shift of years that puts the deadline inside the period; 0 for «по отдельному графику»."""
    for shift in (0, 1, -1):
        if parse_deadline(shift_years(deadline, year - seed_year + shift), start, end).windows:
            return shift
    if "period_start" in data:
        own = parse_deadline(
            deadline, date.fromisoformat(data["period_start"]), date.fromisoformat(data["period_end"])
        )
        if own.windows:
            return None  # dated, but no shift lands in an academic year: leave it out
    return 0
