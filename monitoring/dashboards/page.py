"""What a dashboard page shows: the figures of ``queries`` paginated, the heatmap, and the
data of its charts (read by ``static/js/dashboards.js`` from a ``json_script`` block).

The number of queries is fixed: one per figure, one per page of a table (the rows and their
total together), whatever the number of obligations. ``dashboard_table`` is one table alone, for htmx
turning its page: that page's query (with the heatmap for «by school» and «by section»).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Count, Value, Window
from django.http import QueryDict

from monitoring.dashboards import queries
from monitoring.dashboards.forms import Filters
from monitoring.dashboards.queries import Scope
from roadmaps.obligations import BY_KEY, RETURNED, STATES, Reading, State
from schools.limits import page_number
from schools.models import academic_year_of
from schools.permissions import visible_schools

PAGE_SIZE = 20
SECTION_PAGE_SIZE = 12

# What every table of the page reads: the states its columns and bars show, and how a returned
# obligation (not done, owed again) is marked.
STATES_CONTEXT = {
    "states": STATES,
    "returned_label": RETURNED,
    "returned_css": Reading(BY_KEY["overdue"], returned=True).css,
}


@dataclass(frozen=True)
class StateFigure:
    state: State
    count: int
    percent: float


@dataclass(frozen=True)
class Month:
    month: date
    due: int
    done_of_due: int
    done: int
    cumulative_percent: float | None  # of the obligations due so far, the share done; none after «as of»


@dataclass(frozen=True)
class Cell:
    total: int
    done: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total)

    @property
    def background(self) -> str:
        # Red (none done) through yellow to green (all done), light enough for dark text.
        return f"hsl({round(1.2 * self.percent)}, 75%, 82%)"


def percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def state_figures(total: dict) -> list[StateFigure]:
    return [StateFigure(s, total[s.key], percent(total[s.key], total["total"])) for s in STATES]


def months(due_rows, done_rows, *, on: date) -> list[Month]:
    """The trend: per month, obligations due, done of those, done in the month, cumulative share done.

    The axis holds every month of each academic year that has data (September to August), so
    that a year reads whole and the years without roadmaps between them take no room.
    """
    due = {row["month"]: {"due": row["total"], "done": row["done"]} for row in due_rows}
    done = {row["month"]: row["done"] for row in done_rows}
    years = sorted({academic_year_of(month) for month in set(due) | set(done)})
    # Month 8 counted from January (0) of the year is September.
    axis = [date(year + (8 + i) // 12, (8 + i) % 12 + 1, 1) for year in years for i in range(12)]
    result, due_so_far, done_so_far = [], 0, 0
    for month in axis:
        row = due.get(month, {"due": 0, "done": 0})
        due_so_far += row["due"]
        done_so_far += row["done"]
        share = percent(done_so_far, due_so_far) if month <= on and due_so_far else None
        result.append(Month(month, row["due"], row["done"], done.get(month, 0), share))
    return result


@dataclass(frozen=True)
class Table:
    """A paginated table of the dashboard: its page parameter, the id of the section it fills (a
    page of it fetched by htmx replaces that section's content) and its name in the pager."""

    param: str
    anchor: str
    label: str


# «schools» and «sections» also bring the heatmap, whose rows and columns are their current pages.
TABLES = {
    "municipalities": Table("m_page", "by-municipality", "муниципалитеты"),
    "schools": Table("s_page", "by-school", "школы"),
    "sections": Table("sec_page", "by-section", "разделы"),
    "roadmaps": Table("r_page", "by-roadmap", "дорожные карты"),
    "executors": Table("e_page", "by-executor", "исполнители"),
    "mentors": Table("mp_page", "mentors", "пары наставничества"),
    "overdue": Table("o_page", "overdue", "просроченные"),
}


def has_table(scope: Scope, name: str) -> bool:
    """Whether the dashboard of this scope shows the table: a region lists municipalities, not
    roadmaps (mostly its schools' own; the export has them all); a school lists no schools."""
    if name == "municipalities":
        return scope.kind == "region"
    if name == "schools":
        return scope.kind != "school"
    if name == "roadmaps":
        return scope.kind in ("municipality", "school")
    return name in TABLES


@dataclass(frozen=True)
class PageLink:
    text: str
    label: str  # for screen readers, where the text is a sign
    number: int
    url: str  # the whole dashboard at that page: the address bar, and the link without JavaScript
    table_url: str  # the same with ``table=…``: what htmx fetches, only this table


class LinkedPage(Page):
    """A page that knows its table, to link to its neighbours keeping the other filters."""

    table: str
    params: QueryDict

    def url(self, number: int, *, table: bool = False) -> str:
        params = self.params.copy()
        params.pop("table", None)
        params[TABLES[self.table].param] = str(number)
        if table:
            params["table"] = self.table
        return f"?{params.urlencode()}"

    def _link(self, text: str, label: str, number: int) -> PageLink:
        return PageLink(text, label, number, self.url(number), self.url(number, table=True))

    def links_before(self) -> list[PageLink]:
        if not self.has_previous():
            return []
        return [self._link("«", "Первая", 1), self._link("‹ Назад", "", self.previous_page_number())]

    def links_after(self) -> list[PageLink]:
        if not self.has_next():
            return []
        return [
            self._link("Вперёд ›", "", self.next_page_number()),
            self._link("»", "Последняя", self.paginator.num_pages),
        ]

    @property
    def spec(self) -> Table:
        return TABLES[self.table]


class LinkedPaginator(Paginator):
    """Pages whose total number of rows comes with the rows (``COUNT(*) OVER ()``): a page of a
    breakdown costs one query over the obligations, not two."""

    def __init__(self, rows, size: int, *, table: str, params: QueryDict) -> None:
        super().__init__(rows, size)
        self.table, self.params = table, params

    def get_page(self, number) -> LinkedPage:
        number = page_number(number)
        bottom = (number - 1) * self.per_page
        counted = self.object_list.annotate(row_count=Window(Count(Value(1))))
        rows = list(counted[bottom : bottom + self.per_page])
        if not rows and number > 1:
            # Past the last page (an old link): show the last one, at the cost of two more queries.
            return super().get_page(number)
        if not rows:
            self.count = 0
        else:
            self.count = rows[0]["row_count"] if isinstance(rows[0], dict) else rows[0].row_count
        return self._get_page(rows, number, self)

    def _get_page(self, *args, **kwargs) -> LinkedPage:
        page = LinkedPage(*args, **kwargs)
        page.table, page.params = self.table, self.params
        return page


def paginate(rows, params: QueryDict, table: str, size: int | None = None) -> LinkedPage:
    paginator = LinkedPaginator(rows, size or PAGE_SIZE, table=table, params=params)
    return paginator.get_page(params.get(TABLES[table].param))


def heatmap(qs, *, schools: Page, sections: Page, scope: Scope) -> list[tuple[dict, list[Cell | None]]]:
    """Rows: the schools of the current page of «by school»; columns: the sections of the current
    page of «by section»; each cell the share of the school's part in that section done."""
    school_rows, section_rows = list(schools), list(sections)
    if not school_rows or not section_rows:
        return []
    ids = [row["organisation"] for row in school_rows]
    cells = {
        (row["organisation"], queries.section_key(row, scope)): Cell(row["total"], row["done"])
        for row in queries.heatmap_cells(qs, school_ids=ids, sections=section_rows, scope=scope)
    }
    keys = [queries.section_key(row, scope) for row in section_rows]
    return [(school, [cells.get((school["organisation"], key)) for key in keys]) for school in school_rows]


def section_label(row: dict) -> str:
    if row["title"] is None:
        return "Без раздела"
    return f"{row['number']}. {row['title']}" if row.get("number") else row["title"]


def chart_data(figures: list[StateFigure], trend: list[Month]) -> dict:
    """What the summary charts draw: plain lists, serialised into the page by ``json_script``."""
    return {
        "states": {
            "labels": [f.state.label for f in figures],
            "values": [f.count for f in figures],
            "colors": [f.state.color for f in figures],
        },
        "trend": {
            "labels": [f"{m.month:%m.%Y}" for m in trend],
            "due": [m.due for m in trend],
            "done": [m.done for m in trend],
            "share": [m.cumulative_percent for m in trend],
            # What is done is drawn in the colour of «done on time».
            "done_color": BY_KEY["on_time"].color,
        },
    }


def section_chart(sections: list[dict]) -> dict:
    """The bars of the sections of the current page (in the sections' own part of the page, so
    that a page of that table brings its chart)."""
    return {
        "labels": [section_label(row)[:60] for row in sections],
        "datasets": [
            {"label": s.label, "color": s.color, "values": [row[s.key] for row in sections]} for s in STATES
        ],
    }


def _visible(user, school_ids: set[int]) -> set[int]:
    """Of these schools, those whose dashboard and page the user may open (to link them)."""
    return set(visible_schools(user).filter(pk__in=school_ids).values_list("pk", flat=True))


def _schools(qs, scope: Scope, filters: Filters, params: QueryDict) -> LinkedPage | None:
    return (
        paginate(queries.by_school(qs, filters.sort), params, "schools")
        if has_table(scope, "schools")
        else None
    )


def _sections(qs, scope: Scope, params: QueryDict) -> LinkedPage:
    return paginate(queries.by_section(qs, scope), params, "sections", SECTION_PAGE_SIZE)


def _mentors(scope: Scope, filters: Filters, params: QueryDict) -> tuple[LinkedPage, list]:
    """A page of mentor pairs, each with its mentee's counts (or None: no deadlines)."""
    on, year = filters.on, filters.year
    page = paginate(queries.mentor_pairs(scope, on=on, year=year), params, "mentors")
    mentees = queries.mentee_progress(scope, [p.mentee_id for p in page], on=on, year=year)
    return page, [(pair, mentees.get(pair.mentee_id)) for pair in page]


def _heatmap(qs, scope: Scope, schools: LinkedPage | None, sections: LinkedPage) -> dict:
    """The heatmap and its column labels; the table «by section» and its chart."""
    return {
        "heatmap": heatmap(qs, schools=schools, sections=sections, scope=scope) if schools else [],
        "sections": sections,
        "section_labels": [section_label(row) for row in sections],
        "section_chart": section_chart(list(sections)),
    }


def dashboard_page(scope: Scope, *, filters: Filters, params: QueryDict, user) -> dict:
    """Everything the dashboard template shows, in a fixed number of queries."""
    qs = queries.scope_obligations(scope, on=filters.on, year=filters.year)
    due_rows = list(queries.trend_due(qs))
    figures = state_figures(total := queries.summed(due_rows))
    municipalities = (
        paginate(queries.by_municipality(qs), params, "municipalities")
        if has_table(scope, "municipalities")
        else None
    )
    schools = _schools(qs, scope, filters, params)
    roadmaps = paginate(queries.by_roadmap(qs), params, "roadmaps") if has_table(scope, "roadmaps") else None
    sections = _sections(qs, scope, params)
    mentors, mentor_pairs = _mentors(scope, filters, params)
    trend = months(due_rows, queries.trend_done(qs), on=filters.on)
    school_ids = {row["organisation"] for row in schools or []}
    school_ids |= {pk for p in mentors for pk in (p.mentor_id, p.mentee_id)}
    return {
        "scope": scope,
        **STATES_CONTEXT,
        "total": total,
        "figures": figures,
        "municipalities": municipalities,
        "schools": schools,
        **_heatmap(qs, scope, schools, sections),
        "roadmaps": roadmaps,
        "executors": paginate(queries.by_executor(qs), params, "executors"),
        "mentor_pairs": mentor_pairs,
        "mentor_pairs_page": mentors,
        "trend": trend,
        "overdue": paginate(queries.overdue_windows(qs), params, "overdue"),
        "visible_school_ids": _visible(user, school_ids),
        "charts": chart_data(figures, trend),
    }


def dashboard_table(scope: Scope, table: str, *, filters: Filters, params: QueryDict, user) -> dict:
    """Only what one table of the dashboard shows (a page of it asked by htmx): its page's query
    and, for «by school» and «by section», the other one's current page and the heatmap."""
    qs = queries.scope_obligations(scope, on=filters.on, year=filters.year)
    context: dict = {"scope": scope, **STATES_CONTEXT}
    if table in ("schools", "sections"):
        context["schools"] = schools = _schools(qs, scope, filters, params)
        context.update(_heatmap(qs, scope, schools, _sections(qs, scope, params)))
        if table == "schools":
            context["visible_school_ids"] = _visible(user, {row["organisation"] for row in schools})
    elif table == "mentors":
        mentors, context["mentor_pairs"] = _mentors(scope, filters, params)
        context["mentor_pairs_page"] = mentors
        context["visible_school_ids"] = _visible(
            user, {pk for p in mentors for pk in (p.mentor_id, p.mentee_id)}
        )
    else:
        rows = {
            "municipalities": queries.by_municipality,
            "roadmaps": queries.by_roadmap,
            "executors": queries.by_executor,
            "overdue": queries.overdue_windows,
        }[table](qs)
        context[table] = paginate(rows, params, table)
    return context
