from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitoring.reminders.schedule import (
    BEFORE,
    DUE,
    OVERDUE,
    candidate_ends,
    days_phrase,
    digest_week,
    window_step,
)

END = date(2023, 3, 10)


@pytest.mark.parametrize(
    "n, phrase",
    [(1, "1 день"), (2, "2 дня"), (3, "3 дня"), (4, "4 дня"), (5, "5 дней"), (11, "11 дней"), (12, "12 дней"),
     (14, "14 дней"), (21, "21 день"), (22, "22 дня"), (25, "25 дней"), (101, "101 день"), (111, "111 дней")],
)  # fmt: skip
def test_days_agree_in_number(n, phrase):
    assert days_phrase(n) == phrase


@pytest.mark.parametrize(
    "today, expected",
    [
        ("2023-02-23", None),  # 15 days before: nothing yet
        ("2023-02-24", (BEFORE, 14)),
        ("2023-02-26", (BEFORE, 14)),  # two days late, still relevant
        ("2023-02-27", None),  # the 14-day step is stale, the 3-day one not yet due
        ("2023-03-07", (BEFORE, 3)),
        ("2023-03-09", (BEFORE, 1)),
        ("2023-03-10", (DUE, 0)),
        ("2023-03-11", (OVERDUE, 1)),
        ("2023-03-13", (OVERDUE, 1)),
        ("2023-03-14", None),
        ("2023-03-18", (OVERDUE, 8)),
        ("2023-03-25", (OVERDUE, 15)),
        ("2023-04-01", (OVERDUE, 22)),  # the fourth and last overdue reminder
        ("2023-04-03", (OVERDUE, 22)),
        ("2023-04-08", None),  # the fifth weekly step is not sent: the digest lists it
        ("2026-11-01", None),  # years later, nothing
    ],
)
def test_the_latest_relevant_step_of_a_window(today, expected):
    step = window_step(END, date.fromisoformat(today), (14, 3, 1))
    assert ((step.kind, step.days) if step else None) == expected


def test_a_two_day_outage_sends_the_current_step_not_the_missed_ones():
    # Passes on 7 and 8 March were missed: on the 9th only the one-day step goes out.
    assert (window_step(END, date(2023, 3, 9), (14, 3, 1)).days) == 1
    assert window_step(END, date(2023, 3, 12), (14, 3, 1)).kind == OVERDUE


def test_an_organisation_can_choose_its_own_offsets():
    assert window_step(END, date(2023, 3, 3), (7,)).days == 7
    assert window_step(END, date(2023, 2, 24), (7,)) is None


@pytest.mark.parametrize(
    "today, week",
    [("2023-03-06", "2023-03-06"), ("2023-03-08", "2023-03-06"), ("2023-03-09", None), ("2023-03-12", None)],
)
def test_the_monday_digest_is_caught_up_until_wednesday(today, week):
    expected = date.fromisoformat(week) if week else None
    assert digest_week(date.fromisoformat(today)) == expected


@given(
    end=st.dates(date(2020, 1, 1), date(2026, 12, 31)),
    today=st.dates(date(2021, 1, 1), date(2025, 12, 31)),
    offsets=st.sets(st.integers(1, 60), min_size=1, max_size=4),
)
def test_the_scan_asks_for_every_end_that_can_have_a_step(end, today, offsets):
    # The database is asked only for these ends: a window outside them must have no step.
    if window_step(end, today, offsets) is not None:
        assert end in candidate_ends(today, offsets)


def test_candidate_ends_stay_few_however_old_the_data():
    ends = candidate_ends(date(2025, 1, 1), (14, 3, 1))
    assert len(ends) == 19 and date(2025, 1, 1) + timedelta(days=15) not in ends
    assert min(ends) == date(2025, 1, 1) - timedelta(days=24)  # the last overdue step, caught up


def test_an_overdue_window_is_reminded_four_times_a_week_apart():
    steps = {window_step(END, END + timedelta(days=n), (14, 3, 1)) for n in range(1, 400)}
    assert sorted(step.days for step in steps - {None}) == [1, 8, 15, 22]
