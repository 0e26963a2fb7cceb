"""The printed roadmap, the XLSX and the progress report: their form and their cost."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from openpyxl import load_workbook

from roadmaps.documents.export_docx import export_docx
from roadmaps.documents.export_xlsx import export_xlsx
from roadmaps.documents.report import build_report, export_report
from roadmaps.documents.rows import fetch_roadmaps
from roadmaps.models import CompletionMark, Executor

pytestmark = pytest.mark.django_db


def docx_of(roadmap, with_marks=False):
    return Document(io.BytesIO(export_docx(fetch_roadmaps([roadmap.pk])[0], with_marks=with_marks)))


def test_the_roadmap_prints_on_landscape_a4_in_times_new_roman(taganrog):
    document = docx_of(taganrog)
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    assert document.styles["Normal"].font.name == "Times New Roman"
    # ГОСТ Р 7.0.97-2025: the number in the middle of the top margin, none on the first page.
    assert section.different_first_page_header_footer
    header = section.header.paragraphs[0]
    assert header.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert " PAGE " in header._p.xml and "fldChar" in header._p.xml
    assert "PAGE" not in section.first_page_header._element.xml


def test_the_approval_block_is_right_aligned_above_the_title(taganrog):
    paragraphs = docx_of(taganrog).paragraphs
    assert paragraphs[0].text == taganrog.approval_text
    assert paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    texts = [p.text for p in paragraphs]
    assert taganrog.title in texts
    assert any(t.startswith("Цель: ") for t in texts) and "Задачи:" in texts


def test_the_table_has_the_roadmaps_columns_a_repeated_header_and_merged_stage_rows(taganrog):
    table = docx_of(taganrog).tables[0]
    header = table.rows[0]
    assert [c.text for c in header.cells] == taganrog.column_titles
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    stage = table.rows[1]._tr
    assert len(stage.tc_lst) == 1 and stage.tc_lst[0].grid_span == 5
    assert table.rows[1].cells[0].text == "Проектно-деятельностный этап"


def test_the_approval_print_leaves_the_completion_column_blank_and_the_other_fills_it(taganrog, principal):
    activity = taganrog.activities.get(number="5.")
    executor = Executor.objects.filter(activity__roadmap=taganrog, organisation__name="МОБУ СОШ № 6").first()
    executor = executor or Executor.objects.filter(activity=activity).first()
    CompletionMark.objects.create(
        executor=executor,
        window=executor.activity.windows.first(),
        status=CompletionMark.Status.DONE,
        completed_on=date(2023, 3, 10),
        marked_by=principal,
        review=CompletionMark.Review.ACCEPTED,
        reviewed_at=timezone.now(),
    )
    blank = docx_of(taganrog).tables[0]
    assert all(row.cells[-1].text == "" for row in blank.rows[1:] if len(row._tr.tc_lst) > 1)
    marked = "\n".join(row.cells[-1].text for row in docx_of(taganrog, with_marks=True).tables[0].rows)
    author = principal.get_full_name() or principal.username
    assert f"Выполнено в срок — {executor}" in marked  # row 5. is due 10.03.2023
    assert (
        "дата выполнения 10.03.2023" in marked and "принято" in marked and f"отметил(а): {author}" in marked
    )


def test_a_roadmap_without_a_completion_column_gets_one_when_printed_with_marks(ivanteevka):
    assert docx_of(ivanteevka).tables[0].rows[0].cells[-1].text == "Результаты исполнения"
    assert docx_of(ivanteevka, with_marks=True).tables[0].rows[0].cells[-1].text == "Отметка о выполнении"


def test_the_xlsx_has_a_summary_and_a_sheet_per_roadmap_with_dates_filters_and_a_frozen_header(
    taganrog, ivanteevka
):
    roadmaps = fetch_roadmaps([taganrog.pk, ivanteevka.pk])
    workbook = load_workbook(io.BytesIO(export_xlsx(roadmaps, on=date(2023, 3, 1))))
    assert workbook.sheetnames[0] == "Сводка" and len(workbook.sheetnames) == 3
    sheet = workbook[workbook.sheetnames[2]]  # owners sorted: Управление образования г. Таганрога last
    header = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "№ п/п")
    assert sheet.freeze_panes == f"A{header + 1}"
    assert sheet.auto_filter.ref.startswith(f"A{header}:")
    assert sheet.column_dimensions["B"].width == 60
    first = next(r for r in range(header + 1, header + 5) if sheet.cell(r, 1).value == "1.")
    titles = [sheet.cell(header, c).value for c in range(1, sheet.max_column + 1)]
    start = sheet.cell(first, titles.index("Окна сроков: начало") + 1)
    assert start.is_date and start.value.date() == date(2023, 2, 16)
    assert any(str(r).startswith(f"A{header + 1}:") for r in sheet.merged_cells.ranges)
    summary = workbook["Сводка"]
    assert summary.cell(2, 1).value == "Дорожная карта" and summary.max_row == 4


def test_the_report_counts_done_overdue_and_returned_marks(taganrog, principal):
    window_owner = Executor.objects.filter(activity__roadmap=taganrog, activity__number="5.").first()
    window = window_owner.activity.windows.first()
    CompletionMark.objects.create(
        executor=window_owner,
        window=window,
        status=CompletionMark.Status.DONE,
        completed_on=date(2023, 3, 9),
        review=CompletionMark.Review.RETURNED,
        reviewed_at=timezone.now(),
        review_comment="Нет протокола",
    )
    report = build_report(roadmaps=fetch_roadmaps([taganrog.pk]), on=date(2023, 4, 1), title="Таганрог")
    assert sum(report.activities.values()) == 16
    assert report.states[window_owner.activity_id] == "overdue"  # returned marks are not done
    assert [o.mark.review_comment for o in report.returned] == ["Нет протокола"]
    assert report.returned[0].reading.label == "Просрочено, возвращено"
    assert all(o.days > 0 for o in report.overdue)
    text = "\n".join(
        cell.text
        for table in Document(io.BytesIO(export_report(report))).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "Просрочено" in text and "Нет протокола" in text and "Проектно-деятельностный этап" in text


def test_the_report_for_one_school_counts_only_its_part(ivanteevka):
    school = (
        Executor.objects.filter(activity__roadmap=ivanteevka, organisation__kind="school", person=None)
        .first()
        .organisation
    )
    report = build_report(roadmaps=fetch_roadmaps([ivanteevka.pk]), on=date(2022, 4, 1), school=school)
    assert set(report.by_school) == {school.name}
    assert 0 < sum(report.activities.values()) < ivanteevka.activities.filter(parent=None).count()


@pytest.mark.parametrize(
    "export",
    [
        lambda r: export_docx(r, with_marks=True),
        lambda r: export_xlsx([r], on=date(2023, 3, 1)),
        lambda r: export_report(build_report(roadmaps=[r], on=date(2023, 3, 1))),
    ],
    ids=["docx", "xlsx", "report"],
)
def test_an_export_costs_the_same_queries_for_16_rows_as_for_58(export, taganrog, ivanteevka):
    counts = []
    for roadmap in (taganrog, ivanteevka):
        with CaptureQueriesContext(connection) as queries:
            export(fetch_roadmaps([roadmap.pk])[0])
        counts.append(len(queries))
    # Nine, and one for the latest revision the printout names («в редакции приказа …»).
    assert counts[0] == counts[1] <= 10
