"""A roadmap as the DOCX departments print and sign: approval block, title, goal, tasks,
target indicators, schools, then the table in the roadmap's own columns."""

from __future__ import annotations

import io
from datetime import date

from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from roadmaps.documents.cells import Reads, activity_cells, print_columns, section_heading
from roadmaps.documents.columns import Field
from roadmaps.documents.docx_layout import (
    fill,
    keep_rows_whole,
    merged_row,
    new_document,
    new_table,
    paragraph,
    repeat_as_header,
    usable_width,
)
from roadmaps.documents.rows import table_rows
from roadmaps.models import Roadmap, RoadmapSchool, Section

# Millimetres; the content column takes what is left.
COLUMN_WIDTHS = {
    Field.NUMBER: 14,
    Field.DEADLINE: 32,
    Field.RESPONSIBLE: 50,
    Field.RESULT: 45,
    Field.MARK: 48,
}
SCHOOL_GROUPS = [
    (RoadmapSchool.Role.SUPERVISED, "Школы с низкими образовательными результатами: "),
    (RoadmapSchool.Role.MENTOR, "Школы-наставники: "),
    (RoadmapSchool.Role.PARTICIPANT, "Школы-участники: "),
]


def export_docx(roadmap: Roadmap, *, with_marks: bool, on: date | None = None, reads: Reads = None) -> bytes:
    """The printable roadmap; with_marks=False leaves the completion column blank for signing,
    with_marks=True fills it with the marks and their state on ``on`` (today by default).

    The roadmap must come from ``rows.fetch_roadmaps`` so that printing runs no query.
    """
    on = on or timezone.localdate()
    document = new_document(landscape=True)
    _preamble(document, roadmap)
    columns = print_columns(roadmap, with_marks=with_marks)
    widths = _widths(document, [f for f, _ in columns])
    table = new_table(document, widths)
    header = table.rows[0]
    repeat_as_header(header)
    for cell, (_, title) in zip(header.cells, columns, strict=True):
        fill(cell, title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    total = sum(widths)
    for row in table_rows(roadmap):
        if row.is_section:
            cell = merged_row(table, total)
            fill(
                cell,
                section_heading(row.section),
                bold=True,
                italic=row.section.kind == Section.Kind.HEADING,
                align=WD_ALIGN_PARAGRAPH.CENTER,
            )
            continue
        values = activity_cells(row.activity, on=on, with_marks=with_marks, reads=reads)
        cells = table.add_row().cells
        for cell, (field, _) in zip(cells, columns, strict=True):
            fill(cell, values[field], align=WD_ALIGN_PARAGRAPH.CENTER if field == Field.NUMBER else None)
    keep_rows_whole(table)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _widths(document, fields: list[Field]) -> list[int]:
    fixed = {f: Mm(COLUMN_WIDTHS[f]) for f in fields if f in COLUMN_WIDTHS}
    rest = usable_width(document) - sum(fixed.values())
    return [fixed.get(f, rest) for f in fields]


def _preamble(document, roadmap: Roadmap) -> None:
    approval = roadmap.approval_line
    if approval:
        paragraph(document, approval, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=Mm(165))
        revisions = getattr(roadmap, "revisions", None)
        if revisions:
            paragraph(
                document,
                f"в редакции {revisions[0].document}",
                align=WD_ALIGN_PARAGRAPH.RIGHT,
                indent=Mm(165),
            )
        if roadmap.approved_by:
            paragraph(
                document, f"Утверждена: {roadmap.approved_by}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=Mm(165)
            )
        paragraph(document)
    paragraph(document, roadmap.title, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)
    if roadmap.goal:
        paragraph(document, roadmap.goal, bold_label="Цель: ", align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    if roadmap.task_list:
        paragraph(document, bold_label="Задачи:")
        for task in roadmap.task_list:
            paragraph(document, f"- {task}", align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    indicators = list(roadmap.indicators.all())
    if indicators:
        paragraph(document, bold_label="Целевые показатели:")
        for indicator in indicators:
            text = f"- {indicator.name}"
            if indicator.target:
                text += f" — {indicator.target}"
                if indicator.unit:
                    text += f" {indicator.unit}"
            if indicator.target_date:
                text += f" (к {indicator.target_date:%d.%m.%Y})"
            paragraph(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    links = list(roadmap.school_links.all())
    for role, label in SCHOOL_GROUPS:
        schools = [_school(link) for link in links if link.role == role]
        if schools:
            paragraph(document, ", ".join(schools), bold_label=label, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph(document)


def _school(link: RoadmapSchool) -> str:
    heads = getattr(link.school, "heads", [])
    return f"{link.school.name} (директор {heads[0].full_name})" if heads else link.school.name
