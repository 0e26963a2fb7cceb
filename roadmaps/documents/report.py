"""«Отчёт о выполнении дорожной карты»: what is done, in progress, overdue and not yet
due on a chosen date, for a roadmap, a municipality or one school.

Each obligation (a deadline window of a row, for an executor who must act) reads its state on
the report's date from ``obligations``, as the activity page reads it: a returned mark is
owed again, a cancelled window or an executor nobody marks for is no obligation.

Which roadmaps a report takes (decided by its page, ``documents.views``, with
``obligations.counts_on_page``): a roadmap's own report takes it whatever its status, a draft too
(``Where.OWN_PAGE``). A municipality's or a school's report takes today's work — approved
roadmaps (``Where.TODAY``) — for a date in the current academic year or later, and history —
approved and archived ones (``Where.HISTORY``) — for a date in a past academic year
(``obligations.where_for_year``): the roadmaps that were that year's work. Never a draft.
A school's report takes the school's own part (``obligations.school_part``: the rows naming
the school or its people), as its card, page and dashboard count it.

The figures are in the dashboards' unit, the obligation — a pair «срок × исполнитель» — and
in their words; the rows («мероприятия», strings of the roadmap) are counted once, beside them.
The table «По школам» is each school's part (``school_part``), as the dashboards' «По школам»;
«По разделам» counts by the row's own section, as a roadmap's dashboard does; the overdue list
is one line per overdue deadline of a row, its executors together, as the dashboard's.

The document is one to sign: the title once, then the figures, and at the end the signer's
line («Начальник управления ____ И.О. Фамилия») and who compiled it («Исполнитель: …, тел. …»).

A row (an activity with its sub-rows) sums its obligations: overdue when any is; in progress
when any is, or when part is done and the rest is not yet due (or still needs a date); done
when all are (late when any was late); not yet due otherwise. A row without obligations
needs a date, or names no executor who marks it.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from roadmaps.documents.cells import Reads, section_heading
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
from roadmaps.models import Activity, CompletionMark, DeadlineWindow, Executor, Roadmap
from roadmaps.obligations import (
    BY_CODE,
    DONE_CODES,
    IN_PROGRESS,
    LATE,
    NOBODY_MARKS,
    NOT_DUE,
    ON_TIME,
    OVERDUE,
    RETURNED,
    STATES,
    Reading,
    is_school_part,
    reading_of,
)
from schools.models import Municipality, Organisation, Person
from schools.russian import normalise_person_name, plural

# What a row can be besides an obligation's state.
NO_DATE = "no_date"
NO_EXECUTOR = "no_executor"
ROW_LABELS = {
    **{state.key: state.label for state in STATES},
    NO_DATE: "Нужна дата",
    # Not «Исполнитель не …»: the XLSX summary's headings must not read as a roadmap table's
    # «Ответственный» column to the importer.
    NO_EXECUTOR: NOBODY_MARKS.capitalize(),
}
ROW_KEYS = list(ROW_LABELS)
# The dashboards' unit and the words they explain it in (templates/monitoring/dashboards/).
UNIT = "Пар «срок × исполнитель»"
UNIT_NOTE = (
    "Единица учёта — пара «срок исполнения × исполнитель»: каждый срок мероприятия для каждого"
    " исполнителя, который может отметить выполнение, как на панелях мониторинга. Выполнено — отметка"
    " «выполнено» с датой не позже даты отчёта, не возвращённая на доработку; «в срок» — не позже"
    " окончания срока."
)
BLANK = "____________"


@dataclass
class Obligation:
    roadmap: Roadmap
    activity: Activity
    executor: Executor
    window: DeadlineWindow
    mark: CompletionMark | None
    reading: Reading
    on: date

    @property
    def days(self) -> int:
        """Days overdue on the report's date."""
        return (self.on - self.window.end).days


@dataclass
class Signature:
    """Who signs the report and who compiled it; a blank is printed as a line to fill by hand."""

    compiler: str = ""
    phone: str = ""
    position: str = ""
    signer: str = ""  # printed «И.О. Фамилия» (``signature_name``)


@dataclass
class Report:
    title: str
    on: date
    roadmaps: list[Roadmap]
    school: Organisation | None = None
    signature: Signature = field(default_factory=Signature)
    reads: Reads = None  # whose mark details the requester reads (``permissions.parts_read``); None: all
    states: dict[int, str] = field(default_factory=dict)  # top-level activity pk -> ROW_KEYS
    readings: dict[tuple[int, int], Reading] = field(default_factory=dict)  # (executor, window) pks
    activities: Counter = field(default_factory=Counter)  # ROW_KEYS -> rows
    totals: Counter = field(default_factory=Counter)  # obligations: "total", state keys, "returned"
    by_roadmap: dict[int, Counter] = field(default_factory=dict)  # roadmap pk -> obligations, as totals
    by_school: dict[str, Counter] = field(default_factory=dict)  # school -> obligations per state key
    by_section: list[tuple[Roadmap, str, Counter]] = field(
        default_factory=list
    )  # roadmap, section, obligations
    overdue: list[Obligation] = field(default_factory=list)
    returned: list[Obligation] = field(default_factory=list)

    @property
    def overdue_windows(self) -> list[list[Obligation]]:
        """The overdue obligations by (row, deadline), longest overdue first: the dashboard's
        «Просроченные мероприятия», one line per deadline with its executors."""
        groups: dict[tuple[int, int], list[Obligation]] = {}
        for item in self.overdue:
            groups.setdefault((item.activity.pk, item.window.pk), []).append(item)
        return sorted(groups.values(), key=lambda g: (g[0].window.end, g[0].roadmap.pk, g[0].activity.order))


def build_report(
    *,
    roadmaps: list[Roadmap],
    on: date,
    title: str = "",
    school: Organisation | None = None,
    signature: Signature | None = None,
    reads: Reads = None,
) -> Report:
    """Count and list from roadmaps fetched by ``rows.fetch_roadmaps``: no query runs here.

    With a school, only the school's own part counts (``obligations.school_part``).
    """
    report = Report(
        title=title, on=on, roadmaps=roadmaps, school=school, signature=signature or Signature(), reads=reads
    )
    for roadmap in roadmaps:
        _add_roadmap(report, roadmap)
    return report


def _add_roadmap(report: Report, roadmap: Roadmap) -> None:
    activities = list(roadmap.activities.all())
    children: dict[int, list[Activity]] = {}
    for activity in activities:
        if activity.parent_id:
            children.setdefault(activity.parent_id, []).append(activity)
    by_section: dict[int | None, Counter] = {}
    for activity in activities:
        if activity.parent_id:
            continue
        rows = [activity, *children.get(activity.pk, [])]
        if report.school is not None and not any(_executors(report, roadmap, row) for row in rows):
            continue  # this school has nothing to do here
        codes: list[int] = []
        undated = dated = False
        for row in rows:
            found = _obligations(report, roadmap, row)
            codes += [o.reading.state.code for o in found]
            for item in found:
                by_section.setdefault(row.section_id, Counter()).update(_tally(item.reading))
            undated |= row.needs_date and (report.school is None or bool(_executors(report, roadmap, row)))
            dated |= any(not w.is_cancelled for w in row.windows.all())
        state = _row_state(codes, undated=undated, dated=dated)
        report.states[activity.pk] = state
        report.activities[state] += 1
    # The roadmap's own sections in document order, as its dashboard lists them.
    if None in by_section:
        report.by_section.append((roadmap, "Без раздела", by_section[None]))
    for section in roadmap.sections.all():
        if section.pk in by_section:
            report.by_section.append((roadmap, section_heading(section), by_section[section.pk]))


def _tally(reading: Reading) -> Counter:
    return Counter({"total": 1, reading.key: 1, "returned": int(reading.returned)})


def _executors(report: Report, roadmap: Roadmap, activity: Activity) -> list[Executor]:
    """The row's executors the report is about: all of them, or the school's own part."""
    executors = list(activity.executors.all())
    if report.school is None:
        return executors
    return [e for e in executors if is_school_part(roadmap, e, report.school.pk)]


def _obligations(report: Report, roadmap: Roadmap, activity: Activity) -> list[Obligation]:
    found = []
    windows = list(activity.windows.all())
    for executor in _executors(report, roadmap, activity):
        marks = {m.window_id: m for m in executor.marks.all()}
        school = executor.organisation if is_school_part(roadmap, executor) else None
        for window in windows:
            mark = marks.get(window.pk)
            reading = reading_of(executor, window, mark, report.on)
            if reading is None:
                continue
            obligation = Obligation(roadmap, activity, executor, window, mark, reading, report.on)
            found.append(obligation)
            report.readings[(executor.pk, window.pk)] = reading
            report.totals.update(_tally(reading))
            report.by_roadmap.setdefault(roadmap.pk, Counter()).update(_tally(reading))
            if school is not None:
                report.by_school.setdefault(school.name, Counter()).update(_tally(reading))
            if reading.state.code == OVERDUE:
                report.overdue.append(obligation)
            if reading.returned:
                report.returned.append(obligation)
    return found


def _row_state(codes: list[int], *, undated: bool, dated: bool) -> str:
    """``codes``: the row's obligations' states; ``undated``: a sub-row still needs a date;
    ``dated``: some sub-row has a live window."""
    if not codes:
        return NO_EXECUTOR if dated and not undated else NO_DATE
    for code in (OVERDUE, IN_PROGRESS):
        if code in codes:
            return BY_CODE[code].key
    done = [c for c in codes if c in DONE_CODES]
    if len(done) == len(codes) and not undated:
        return BY_CODE[LATE if LATE in done else ON_TIME].key
    return BY_CODE[IN_PROGRESS if done else NOT_DUE].key


# --- Who signs ----------------------------------------------------------------------------


def signature_name(name: str) -> str:
    """A name as a signature prints it: «И.О. Фамилия» (ГОСТ Р 7.0.97-2025, 5.23).

    «Козлова В.А.», «В. А. Козлова» and «Козлова Вера Алексеевна» -> «В.А. Козлова»; a text that
    is not a name (a role, a blank) is kept as it is.
    """
    name = normalise_person_name(name)
    surname_first = re.fullmatch(r"([А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)\s+([А-ЯЁ]\.(?:[А-ЯЁ]\.?)?)", name)
    if surname_first:
        initials = surname_first.group(2)
        return f"{initials if initials.endswith('.') else initials + '.'} {surname_first.group(1)}"
    full = re.fullmatch(r"([А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)((?:\s+[А-ЯЁ][а-яё]+){1,2})", name)
    if full:
        return "".join(f"{part[0]}." for part in full.group(2).split()) + f" {full.group(1)}"
    return name


def signer_of(organisation: Organisation | None, approved_by: str = "") -> tuple[str, str]:
    """(position, «И.О. Фамилия») of who signs for an organisation: its head, else the signer
    of the roadmap's approval («В.А. Козлова, начальник Управления образованием»); blanks
    when neither is known."""
    head = (
        Person.objects.filter(organisation=organisation, is_head=True).first()
        if organisation is not None
        else None
    )
    if head is not None:
        return _capitalised(head.position or "Руководитель"), signature_name(head.full_name)
    name, _, position = approved_by.partition(",")
    if name.strip() and position.strip():
        return _capitalised(position.strip()), signature_name(name)
    return "", ""


def department_of(municipality: Municipality) -> Organisation | None:
    """The municipality's education department: who signs its report."""
    return (
        Organisation.objects.filter(municipality=municipality, kind=Organisation.Kind.DEPARTMENT)
        .order_by("pk")
        .first()
    )


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- The document ---------------------------------------------------------------------------


def export_report(report: Report) -> bytes:
    document = new_document(landscape=True)
    width = usable_width(document)
    _heading(document, report)

    paragraph(document, bold_label=f"1. Выполнение на {report.on:%d.%m.%Y}", space_after=4)
    _totals_table(document, report.totals)
    returned = report.totals["returned"]
    if returned:
        paragraph(
            document,
            f"{RETURNED.capitalize()} на доработку и снова ожидается: {returned} — считаются невыполненными.",
            size=11,
        )
    rows = sum(report.activities.values())
    rest = [
        f"{ROW_LABELS[key].lower()} — {report.activities[key]}"
        for key in (NO_DATE, NO_EXECUTOR)
        if report.activities[key]
    ]
    paragraph(
        document,
        f"Мероприятий (строк дорожной карты) в отчёте: {rows}"
        + (f"; из них {'; '.join(rest)}" if rest else "")
        + ".",
        size=11,
    )
    paragraph(document, UNIT_NOTE, size=10, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    number = 2
    states = [*_columns([s.key for s in STATES], ROW_LABELS), ("Всего", lambda c: c["total"])]
    if report.by_school:
        paragraph(document)
        paragraph(
            document,
            bold_label=f"{number}. По школам ({UNIT[0].lower()}{UNIT[1:]} каждой школы)",
            space_after=4,
        )
        _counts_table(document, "Школа", sorted(report.by_school.items()), states, width)
        number += 1
    if report.by_section:
        paragraph(document)
        paragraph(document, bold_label=f"{number}. По разделам", space_after=4)
        named: list[tuple[str, Counter | None]] = []
        previous = None
        for roadmap, section, counts in report.by_section:
            if len(report.roadmaps) > 1 and roadmap is not previous:
                named.append((f"{roadmap.title} ({roadmap.owner})", None))  # a heading over its sections
                previous = roadmap
            named.append((section, counts))
        _counts_table(document, "Раздел", named, states, width)
        number += 1

    windows = report.overdue_windows
    paragraph(document)
    paragraph(
        document,
        bold_label=f"{number}. Просроченные мероприятия: {len(windows)} {plural(len(windows), 'срок', 'срока', 'сроков')}",
        space_after=4,
    )
    number += 1
    if windows:
        table = _table(
            document,
            ["№", "Мероприятие", "Срок", "Исполнители, не выполнившие в срок", "Дней просрочки"],
            [14, 118, 40, 66, 24],
        )
        for group in windows:
            first = group[0]
            cells = table.add_row().cells
            fill(cells[0], first.activity.number, align=WD_ALIGN_PARAGRAPH.CENTER)
            content = first.activity.content
            if len(report.roadmaps) > 1:
                content += f"\n({first.roadmap.title})"
            fill(cells[1], content)
            fill(cells[2], _deadline(first))
            fill(cells[3], "\n".join(_executor_line(o) for o in group))
            fill(cells[4], str(first.days), align=WD_ALIGN_PARAGRAPH.CENTER)
        keep_rows_whole(table)

    paragraph(document)
    paragraph(
        document,
        bold_label=f"{number}. Отметки, возвращённые на доработку: {len(report.returned)}",
        space_after=4,
    )
    if report.returned:
        table = _table(
            document,
            ["№", "Мероприятие", "Исполнитель", "Состояние", "Отметка", "Комментарий координатора"],
            [14, 84, 50, 38, 30, 46],
        )
        for item in report.returned:
            mark = item.mark
            cells = table.add_row().cells
            fill(cells[0], item.activity.number, align=WD_ALIGN_PARAGRAPH.CENTER)
            fill(cells[1], item.activity.content)
            fill(cells[2], str(item.executor))
            fill(cells[3], item.reading.label)
            if report.reads is not None and not report.reads(item.executor):
                # Another school's part: its state only, not its mark's date nor the review.
                fill(cells[4], mark.get_status_display())
                continue
            when = f" {mark.completed_on:%d.%m.%Y}" if mark.completed_on else ""
            fill(cells[4], f"{mark.get_status_display()}{when}")
            reviewer = (
                mark.reviewed_by.get_full_name() or mark.reviewed_by.username if mark.reviewed_by else ""
            )
            fill(cells[5], "\n".join(filter(None, [mark.review_comment, reviewer])))
        keep_rows_whole(table)

    _signature(document, report.signature, width)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def heading_of(report: Report) -> str:
    return (
        "Отчёт о выполнении дорожной карты"
        if len(report.roadmaps) == 1
        else "Отчёт о выполнении дорожных карт"
    )


def _heading(document, report: Report) -> None:
    """The title once: what the report is, whose roadmap (or which scope), and the date."""
    center = WD_ALIGN_PARAGRAPH.CENTER
    heading = heading_of(report)
    document.core_properties.title = heading
    paragraph(document, heading, size=14, bold=True, align=center)
    single = report.roadmaps[0] if len(report.roadmaps) == 1 else None
    if single is not None and report.school is None:
        paragraph(document, f"«{single.title}»", size=12, bold=True, align=center)
        paragraph(document, str(single.owner), align=center)
    elif report.title:
        paragraph(document, report.title, size=12, bold=True, align=center)
    paragraph(document, f"по состоянию на {report.on:%d.%m.%Y}", align=center, space_after=8)
    if single is None or report.school is not None:
        paragraph(
            document, bold_label="Дорожные карты в отчёте:" if single is None else "Дорожная карта:", size=11
        )
        for index, roadmap in enumerate(report.roadmaps, start=1):
            prefix = f"{index}. " if single is None else ""
            paragraph(
                document,
                f"{prefix}{roadmap.title} ({roadmap.owner})",
                size=11,
                align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            )
        paragraph(document)


def _deadline(item: Obligation) -> str:
    """The row's «Срок» as written, and the window it was read as when that says more."""
    text, window = " ".join(item.activity.deadline_text.split()), str(item.window)
    return text if not text or text == window else f"{text}\n({window})"


def _executor_line(item: Obligation) -> str:
    return f"{item.executor} ({RETURNED})" if item.reading.returned else str(item.executor)


def _signature(document, signature: Signature, width: int) -> None:
    """The signer's line — position left, the line for the signature, «И.О. Фамилия» right —
    and who compiled the report under it (ГОСТ Р 7.0.97-2025, 5.23 and 5.26): one borderless
    row that does not split, so the two stay together on the last page; and with the text
    before it, so that it never stands alone on a page."""
    body = document.element.body
    last = body[-2] if body[-1].tag == qn("w:sectPr") else body[-1]
    before = last.xpath("./w:tr[last()]//w:p") if last.tag == qn("w:tbl") else [last]
    for p in before:
        Paragraph(p, document).paragraph_format.keep_with_next = True
    for _ in range(2):
        paragraph(document).paragraph_format.keep_with_next = True
    columns = [Mm(130), Mm(45)]
    table = new_table(document, [*columns, width - sum(columns)], borders=False)
    cells = table.rows[0].cells
    compiler = " ".join(signature.compiler.split()) or BLANK
    phone = " ".join(signature.phone.split()) or BLANK
    fill(cells[0], signature.position or BLANK * 2, size=12)
    for _ in range(3):
        cells[0].add_paragraph()
    line = cells[0].add_paragraph().add_run(f"Исполнитель: {compiler}, тел. {phone}")
    line.font.size = Pt(10)
    fill(cells[1], BLANK, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    name = signature_name(signature.signer) if signature.signer else BLANK
    fill(cells[2], name, size=12, align=WD_ALIGN_PARAGRAPH.RIGHT)
    keep_rows_whole(table)


Column = tuple[str, Callable[[Counter], int]]


def _columns(keys: list[str], labels: dict[str, str]) -> list[Column]:
    return [(labels[key], lambda counts, key=key: counts.get(key, 0)) for key in keys]


def _table(document, titles: list[str], widths_mm: list[int]):
    table = new_table(document, [Mm(w) for w in widths_mm])
    repeat_as_header(table.rows[0])
    for cell, title in zip(table.rows[0].cells, titles, strict=True):
        fill(cell, title, bold=True, size=10, align=WD_ALIGN_PARAGRAPH.CENTER)
    return table


def _percent(part: int, whole: int) -> str:
    """As the dashboards round it (one decimal), with a decimal comma."""
    return f"{round(100 * part / whole, 1) if whole else 0.0:.1f}".replace(".", ",")


def _totals_table(document, totals: Counter) -> None:
    table = _table(document, ["Состояние", UNIT, "Доля, %"], [120, 50, 30])
    for label, count in [*((s.label, totals[s.key]) for s in STATES), ("Всего", totals["total"])]:
        cells = table.add_row().cells
        bold = label == "Всего"
        fill(cells[0], label, bold=bold)
        fill(cells[1], str(count), bold=bold, align=WD_ALIGN_PARAGRAPH.CENTER)
        fill(cells[2], _percent(count, totals["total"]), bold=bold, align=WD_ALIGN_PARAGRAPH.CENTER)
    keep_rows_whole(table)


def _counts_table(
    document, first: str, rows: list[tuple[str, Counter | None]], columns: list[Column], width: int
) -> None:
    """A row per (name, counts), and the sum under them; a name without counts heads a group."""
    column = 26
    table = _table(
        document,
        [first, *(t for t, _ in columns)],
        [round(width / Mm(1)) - column * len(columns)] + [column] * len(columns),
    )
    grand = Counter()
    for name, counts in rows:
        if counts is None:
            fill(merged_row(table, width), name, bold=True, italic=True)
            continue
        grand.update(counts)
        cells = table.add_row().cells
        fill(cells[0], name)
        for cell, (_, value) in zip(cells[1:], columns, strict=True):
            fill(cell, str(value(counts)), align=WD_ALIGN_PARAGRAPH.CENTER)
    if sum(counts is not None for _, counts in rows) > 1:
        cells = table.add_row().cells
        fill(cells[0], "Итого", bold=True)
        for cell, (_, value) in zip(cells[1:], columns, strict=True):
            fill(cell, str(value(grand)), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    keep_rows_whole(table)
