"""What a dashboard page shows: the figures of ``queries`` paginated, the heatmap, and the
data of its charts (read by ``static/js/dashboards.js`` from a ``json_script`` block).

The number of queries is fixed: one per figure, one per page of a table (the rows and their
total together), whatever the number of pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Count, Value, Window
from django.http import QueryDict

from monitoring.dashboards import queries
from monitoring.dashboards.forms import Filters
from monitoring.dashboards.queries import STATES, Scope, State
from roadmaps.permissions import visible_schools

PAGE_SIZE = 20
SECTION_PAGE_SIZE = 12


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
    cumulative_percent: float | None  # of the pairs due so far, the share done; none after «as of»


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
    """The trend: per month, pairs due, done of those, done in the month, cumulative share done.

    The axis holds every month of each academic year that has data (September to August), so
    that a year reads whole and the years without roadmaps between them take no room.
    """
    due = {row["month"]: {"due": row["total"], "done": row["on_time"] + row["late"]} for row in due_rows}
    done = {row["month"]: row["done"] for row in done_rows}
    years = sorted({queries.academic_year_of(month) for month in set(due) | set(done)})
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


class LinkedPage(Page):
    """A page that knows its query parameter, to link to its neighbours keeping the other filters."""

    param: str
    params: QueryDict

    def url(self, number: int) -> str:
        params = self.params.copy()
        params[self.param] = str(number)
        return f"?{params.urlencode()}"

    def previous_url(self) -> str:
        return self.url(self.previous_page_number())

    def next_url(self) -> str:
        return self.url(self.next_page_number())

    def last_url(self) -> str:
        return self.url(self.paginator.num_pages)

    def first_url(self) -> str:
        return self.url(1)


class LinkedPaginator(Paginator):
    """Pages whose total number of rows comes with the rows (``COUNT(*) OVER ()``): a page of a
    breakdown costs one query over the pairs, not two."""

    def __init__(self, rows, size: int, *, param: str, params: QueryDict) -> None:
        super().__init__(rows, size)
        self.param, self.params = param, params

    def get_page(self, number) -> LinkedPage:
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
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
        page.param, page.params = self.param, self.params
        return page


def paginate(rows, params: QueryDict, name: str, size: int = PAGE_SIZE) -> LinkedPage:
    return LinkedPaginator(rows, size, param=name, params=params).get_page(params.get(name))


def heatmap(qs, *, schools: Page, sections: Page, scope: Scope) -> list[tuple[dict, list[Cell | None]]]:
    """Rows: the schools of the current page of «by school»; columns: the sections of the current
    page of «by section»; each cell the share of the school's pairs in that section done."""
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


def chart_data(figures: list[StateFigure], trend: list[Month], sections: list[dict]) -> dict:
    """What the charts draw: plain lists, serialised into the page by ``json_script``."""
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
        },
        "sections": {
            "labels": [section_label(row)[:60] for row in sections],
            "datasets": [
                {"label": s.label, "color": s.color, "values": [row[s.key] for row in sections]}
                for s in STATES
            ],
        },
    }


def dashboard_page(scope: Scope, *, filters: Filters, params: QueryDict, user) -> dict:
    """Everything the dashboard template shows, in a fixed number of queries."""
    on, year = filters.on, filters.year
    qs = queries.pairs(scope.condition(), on=on, year=year)
    due_rows = list(queries.trend_due(qs))
    figures = state_figures(total := queries.summed(due_rows))
    municipalities = (
        paginate(queries.by_municipality(qs), params, "m_page") if scope.kind == "region" else None
    )
    schools = (
        paginate(queries.by_school(qs, filters.sort), params, "s_page") if scope.kind != "school" else None
    )
    # A region's roadmaps are mostly its schools' own: its page lists municipalities instead (the
    # export has them all).
    by_roadmap = scope.kind in ("municipality", "school")
    roadmaps = paginate(queries.by_roadmap(qs), params, "r_page") if by_roadmap else None
    sections = paginate(queries.by_section(qs, scope), params, "sec_page", SECTION_PAGE_SIZE)
    mentor_pairs = paginate(queries.mentor_pairs(scope, on=on, year=year), params, "mp_page")
    mentees = queries.mentee_progress(scope, [p.mentee_id for p in mentor_pairs], on=on, year=year)
    trend = months(due_rows, queries.trend_done(qs), on=on)
    school_ids = {row["organisation"] for row in schools or []}
    school_ids |= {pk for p in mentor_pairs for pk in (p.mentor_id, p.mentee_id)}
    return {
        "scope": scope,
        "total": total,
        "figures": figures,
        "municipalities": municipalities,
        "schools": schools,
        "heatmap": heatmap(qs, schools=schools, sections=sections, scope=scope) if schools else [],
        "sections": sections,
        "section_labels": [section_label(row) for row in sections],
        "roadmaps": roadmaps,
        "executors": paginate(queries.by_executor(qs), params, "e_page"),
        "mentor_pairs": [(pair, mentees.get(pair.mentee_id)) for pair in mentor_pairs],
        "mentor_pairs_page": mentor_pairs,
        "trend": trend,
        "overdue": paginate(queries.overdue_windows(qs), params, "o_page"),
        "visible_school_ids": set(
            visible_schools(user).filter(pk__in=school_ids).values_list("pk", flat=True)
        ),
        "charts": chart_data(figures, trend, list(sections)),
    }
