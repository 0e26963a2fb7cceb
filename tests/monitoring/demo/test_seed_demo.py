from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from roadmaps.models import (
    Activity,
    CompletionMark,
    DeadlineWindow,
    Executor,
    Roadmap,
    RoadmapSchool,
    Section,
)
from schools.models import CoordinatorAssignment, Membership, MentorPair, Organisation, Person, SchoolStatus

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"

pytestmark = pytest.mark.django_db


def roadmap(key: str) -> Roadmap:
    return Roadmap.objects.get(source_key=key)


def row(key: str, number: str, **filters) -> Activity:
    return Activity.objects.get(roadmap__source_key=key, number=number, parent__isnull=True, **filters)


@pytest.mark.parametrize(
    ("key", "count"),
    [
        ("000_ust_dzheguta", 21),
        ("001_ivanteevka", 58),
        ("002_taganrog", 16),
        ("003_kozelsk", 17),
        ("004_sarov", 22),
    ],
)
def test_each_seed_roadmap_has_exactly_its_rows(key, count):
    assert roadmap(key).activities.top_level().count() == count


SEED_KEYS = ["000_ust_dzheguta", "001_ivanteevka", "002_taganrog", "003_kozelsk", "004_sarov"]


def test_all_five_roadmaps_hold_134_rows():
    seeds = Roadmap.objects.filter(source_key__in=SEED_KEYS)
    assert seeds.count() == 5
    assert Activity.objects.top_level().filter(roadmap__in=seeds).count() == 134


def test_the_demo_school_roadmap_runs_in_the_current_academic_year():
    demo = Roadmap.objects.get(source_key="demo_school6_antirisk")
    today = timezone.localdate()
    assert demo.period_start <= today <= demo.period_end
    assert demo.owner.name == "МОБУ СОШ № 6" and demo.level == Roadmap.Level.SCHOOL
    assert demo.activities.count() == 7
    # Marks the coordinator can act on: one accepted, one returned, one waiting.
    reviews = sorted(
        CompletionMark.objects.filter(executor__activity__roadmap=demo).values_list("review", flat=True)
    )
    assert reviews == sorted(["accepted", "returned", "pending"][: len(reviews)])


def test_ivanteevka_row_7_2_has_two_sub_rows_with_their_own_deadlines():
    parent = row("001_ivanteevka", "7.2")
    children = list(parent.children.order_by("order"))
    assert [c.deadline_text for c in children] == ["апрель", "январь, июнь"]
    assert [c.responsible_text for c in children] == ["ОО", "Управление образования, ОО"]
    # April of the 2021/2022 academic year; January and June as two windows.
    assert [(w.start, w.end) for w in children[0].windows.all()] == [(date(2022, 4, 1), date(2022, 4, 30))]
    assert [w.end for w in children[1].windows.all()] == [date(2022, 1, 31), date(2022, 6, 30)]


def test_taganrog_row_6_has_five_dated_webinars():
    parent = row("002_taganrog", "6.")
    webinars = list(parent.children.order_by("order"))
    assert len(webinars) == 5
    days = [w.windows.get().end for w in webinars]
    assert days == [
        date(2023, 4, 27),
        date(2023, 5, 4),
        date(2023, 5, 11),
        date(2023, 5, 18),
        date(2023, 5, 25),
    ]
    assert webinars[0].responsible_text == "Земляненко Н.В., директор МОБУ лицея № 7"
    assert "Лапина Н.Ю., педагог-психолог" in webinars[4].responsible_text
    # The parent row carries no dates of its own: its webinars do.
    assert not parent.windows.exists() and not parent.needs_date


def test_sarov_unnumbered_row_after_row_7_is_there():
    rows = list(roadmap("004_sarov").activities.top_level().order_by("order"))
    seventh = next(i for i, a in enumerate(rows) if a.number == "7.")
    unnumbered = rows[seventh + 1]
    assert unnumbered.number == ""
    assert unnumbered.content.startswith("Внесение в план-график курсовой подготовки")
    assert unnumbered.deadline_text == "Ноябрь – декабрь 2021 г."
    assert rows[seventh + 2].number == "8."


def test_it_keeps_deadline_and_responsible_texts_verbatim():
    assert row("002_taganrog", "5.").responsible_text == (
        "Баркалова Е.В., муниципальный координатор Земляненко  Н.В. , директор МОБУ лицея № 7"
    )
    assert row("002_taganrog", "14.").deadline_text == (
        "Апрель - май 2023 г.\n(приказ минобразования Ростовской области от 26 апреля 2023 г. № 391)"
    )
    assert row("001_ivanteevka", "8.5").responsible_text == "Управление образования  ОО"
    assert row("000_ust_dzheguta", "3.").responsible_text == "Руководители ОУ\nУправление образования"
    assert row("000_ust_dzheguta", "3.").content.splitlines()[1:3] == [
        "-кадровый состав;",
        "-контингент обучающихся;",
    ]
    assert row("001_ivanteevka", "6.8").deadline_text == "январь, март, июнь, ноябрь,"
    kozelsk = roadmap("003_kozelsk").activities.top_level().order_by("order")
    assert kozelsk[4].deadline_text == "В течении года"


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


# Cells the extraction split across a page break, mended into one cell in the fixtures.
MENDED = {
    ("001_ivanteevka", "3.2"),
    ("001_ivanteevka", "8.4"),
    ("004_sarov", "11."),
    ("004_sarov", "19."),
}


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.json")), ids=lambda p: p.stem)
def test_every_line_of_every_cell_is_found_in_the_source_document(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    source = _normalised((SEEDS / "source" / data["source_file"]).read_text(encoding="utf-8"))
    source = source.replace("<b>", "").replace("</b>", "").replace("**", "")
    activities = Activity.objects.filter(roadmap__source_key=data["key"])
    assert activities.exists()
    for activity in activities:
        top = activity.parent or activity
        if (data["key"], top.number) in MENDED:
            continue
        for field in ("content", "deadline_text", "responsible_text", "expected_result"):
            for line in getattr(activity, field).splitlines():
                assert _normalised(line) in source, f"{data['key']} {activity.number} {field}: {line!r}"


def test_mended_page_break_cells_read_as_one_cell():
    assert (
        row("001_ivanteevka", "3.2").responsible_text
        == "Управление образованием, общеобразовательные организации"
    )
    assert row("004_sarov", "19.").content.startswith(
        "Участие в организации и проведении муниципальных и регионального семинаров-совещаний"
    )


def test_the_extraction_tail_of_ust_dzheguta_adds_no_rows():
    numbers = list(roadmap("000_ust_dzheguta").activities.values_list("number", flat=True))
    assert len(numbers) == 21
    assert len(set(numbers)) == 21


def test_sections_and_stages_are_in_document_order():
    ivanteevka = list(roadmap("001_ivanteevka").sections.order_by("order"))
    assert [s.number for s in ivanteevka] == [str(n) for n in range(1, 10)]
    assert all(s.kind == Section.Kind.SECTION for s in ivanteevka)
    assert row("001_ivanteevka", "5.10").section.number == "5"
    taganrog = list(roadmap("002_taganrog").sections.order_by("order"))
    assert [s.kind for s in taganrog] == ["stage", "heading", "stage"]
    assert taganrog[0].title == "Проектно-деятельностный этап"
    assert taganrog[1].parent == taganrog[0]
    assert taganrog[1].title.startswith("Организация деятельности в рамках содействия региону")
    assert row("002_taganrog", "9.").section == taganrog[1]
    assert row("002_taganrog", "2..").section == taganrog[2]


def test_header_data_of_the_documents():
    ivanteevka = roadmap("001_ivanteevka")
    assert (ivanteevka.approval_kind, ivanteevka.approval_number, ivanteevka.approval_date) == (
        Roadmap.ApprovalKind.ORDER,
        "14",
        date(2022, 1, 24),
    )
    assert (ivanteevka.period_start, ivanteevka.period_end) == (date(2021, 9, 1), date(2022, 8, 31))
    assert len(ivanteevka.task_list) == 5
    assert ivanteevka.indicators.count() == 4
    assert ivanteevka.goal.startswith("Создание условий для поддержки малоэффективных")
    taganrog = roadmap("002_taganrog")
    assert (taganrog.approval_number, taganrog.approval_date) == ("206", date(2023, 2, 16))
    assert (taganrog.period_start, taganrog.period_end) == (date(2022, 9, 1), date(2023, 8, 31))
    ust = roadmap("000_ust_dzheguta")
    assert (ust.period_start, ust.period_end) == (date(2020, 5, 1), date(2021, 7, 31))


def test_taganrog_coordinator_schools_and_directors():
    taganrog = roadmap("002_taganrog")
    supervised = taganrog.school_links.filter(role=RoadmapSchool.Role.SUPERVISED)
    mentors = taganrog.school_links.filter(role=RoadmapSchool.Role.MENTOR)
    assert supervised.count() == 7 and mentors.count() == 5
    assert Person.objects.get(organisation__name="МОБУ СОШ № 6", is_head=True).full_name == "Муразян О.В."
    assert (
        Person.objects.get(organisation__name="МОБУ лицей № 7", is_head=True).full_name == "Земляненко Н.В."
    )
    for link in taganrog.school_links.all():
        assert link.school.people.filter(is_head=True).exists(), link.school
    coordinator = Person.objects.get(full_name="Баркалова Е.В.")
    assigned = set(
        CoordinatorAssignment.objects.filter(coordinator=coordinator).values_list("school", flat=True)
    )
    assert assigned == set(supervised.values_list("school", flat=True))
    assert (
        SchoolStatus.objects.filter(school__municipality__name="г. Таганрог", academic_year=2022).count()
        == 12
    )
    assert MentorPair.objects.filter(mentor__name="МОБУ лицей № 7", mentee__name="МОБУ СОШ № 6").exists()


@pytest.mark.parametrize(
    ("username", "role", "organisation"),
    [
        ("uo", Membership.Role.STAFF, "Управление образования г. Таганрога"),
        ("coordinator", Membership.Role.COORDINATOR, "Управление образования г. Таганрога"),
        ("principal", Membership.Role.PRINCIPAL, "МОБУ СОШ № 6"),
        ("mentor", Membership.Role.MENTOR, "МОБУ лицей № 7"),
        (
            "uo_kozelsk",
            Membership.Role.STAFF,
            "Отдел образования администрации муниципального района «Козельский район»",
        ),
    ],
)
def test_demo_users_have_their_roles_and_password(username, role, organisation):
    user = get_user_model().objects.get(username=username)
    assert user.check_password("demo-2026")
    assert user.email == f"{username}@example.org"
    assert user.memberships.filter(role=role, organisation__name=organisation).exists()


def test_admin_is_a_superuser_with_the_demo_password():
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.check_password("demo-2026")


def test_coordinator_and_principal_are_linked_to_their_people():
    assert get_user_model().objects.get(username="coordinator").person.full_name == "Баркалова Е.В."
    assert get_user_model().objects.get(username="principal").person.organisation.name == "МОБУ СОШ № 6"


def test_group_executors_become_one_executor_per_supervised_school():
    # «Управление образования, ОО» in Ивантеевка: the department and each of its three schools.
    activity = row("001_ivanteevka", "5.1")
    executors = list(activity.executors.all())
    assert executors[0].organisation == roadmap("001_ivanteevka").owner
    schools = {e.organisation.name for e in executors if e.kind == Executor.Kind.SCHOOL}
    assert schools == {
        "МОУ «СОШ п. Знаменский»",
        "МОУ «СОШ с. Бартеневка им. П.Е. Толстова»",
        "МОУ «СОШ с. Ивановка»",
    }


def test_people_named_as_executors_are_linked_to_their_school():
    executors = list(row("002_taganrog", "5.").executors.order_by("order"))
    assert [e.person.full_name for e in executors] == ["Баркалова Е.В.", "Земляненко Н.В."]
    assert executors[1].organisation.name == "МОБУ лицей № 7"


def test_a_group_with_no_named_schools_stays_one_group_executor():
    executors = list(row("000_ust_dzheguta", "4.").executors.all())
    assert [(e.kind, e.label) for e in executors] == [(Executor.Kind.GROUP, "Руководители ОУ")]


def test_undated_deadlines_are_flagged_for_staff():
    assert row("001_ivanteevka", "9.1").needs_date
    assert not row("001_ivanteevka", "9.1").windows.exists()
    assert row("001_ivanteevka", "6.8").windows.count() == 4
    assert not row("001_ivanteevka", "6.8").needs_date


def _snapshot() -> dict[str, object]:
    models = [Roadmap, Section, Activity, DeadlineWindow, Executor, Organisation, Person, Membership]
    snapshot: dict[str, object] = {m.__name__: sorted(m.objects.values_list("pk", flat=True)) for m in models}
    snapshot["users"] = sorted(get_user_model().objects.values_list("username", "password"))
    snapshot["texts"] = sorted(
        Activity.objects.values_list("pk", "content", "deadline_text", "responsible_text")
    )
    snapshot["windows"] = sorted(DeadlineWindow.objects.values_list("pk", "start", "end"))
    return snapshot


def test_running_seed_demo_twice_changes_nothing():
    before = _snapshot()
    out = io.StringIO()
    call_command("seed_demo", demo=True, without_monitoring=True, stdout=out, stderr=io.StringIO())
    assert _snapshot() == before
    assert "Новых пользователей: 0" in out.getvalue()


def test_seed_demo_refuses_outside_debug_without_demo(settings):
    settings.DEBUG = False
    get_user_model().objects.filter(username__in=["admin", "uo"]).delete()
    before = _snapshot()
    with pytest.raises(CommandError, match="seed_demo --demo"):
        call_command("seed_demo", stdout=io.StringIO())
    assert _snapshot() == before


def test_seed_demo_says_loudly_that_it_created_demo_logins(settings):
    settings.DEBUG = False
    err = io.StringIO()
    call_command("seed_demo", demo=True, without_monitoring=True, stdout=io.StringIO(), stderr=err)
    assert "ВНИМАНИЕ: на этом портале есть демо-логины" in err.getvalue()
    assert "demo-2026" in err.getvalue()
    assert get_user_model().objects.get(username="admin").check_password("demo-2026")


def test_in_development_seed_demo_needs_no_flag(settings):
    settings.DEBUG = True
    err = io.StringIO()
    call_command("seed_demo", without_monitoring=True, stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == ""
