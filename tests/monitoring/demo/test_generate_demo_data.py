"""generate_demo_data: a large realistic data set, at small sizes on the test database."""

from __future__ import annotations

import io
import json
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.test.utils import CaptureQueriesContext

from monitoring.demo.country import MUNICIPAL_YEARS, SCHOOL_FIXTURE, SEED_FILES, school_roles
from monitoring.models import ActivityRiskFactor, ExamResult, RiskFactor, SchoolProfile, SchoolRisk
from roadmaps.models import (
    Activity,
    CompletionMark,
    DeadlineWindow,
    Executor,
    Roadmap,
    RoadmapSchool,
    Section,
)
from schools.models import (
    CoordinatorAssignment,
    Membership,
    MentorPair,
    Municipality,
    Organisation,
    Person,
    SchoolStatus,
)

TODAY = "2026-11-23"  # the generated roadmaps run in 2026/2027 and the three years before
GENERATED = Q(source_key__startswith="gen:")
IN_GENERATED = Q(roadmap__source_key__startswith="gen:")


def generate(m: int = 3, s: int = 4, a: int = 6, **options) -> str:
    out = io.StringIO()
    call_command(
        "generate_demo_data",
        municipalities=m,
        schools_per_municipality=s,
        activities_per_roadmap=a,
        today=TODAY,
        stdout=out,
        **options,
    )
    return out.getvalue()


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def generated_municipalities():
    owners = Roadmap.objects.filter(GENERATED, level=Roadmap.Level.MUNICIPAL).values("owner__municipality")
    return Municipality.objects.filter(pk__in=owners)


def generated_schools():
    return Organisation.objects.schools().filter(municipality__in=generated_municipalities())


def seed_snapshot():
    seeds = Roadmap.objects.exclude(GENERATED)
    return (
        sorted(seeds.values_list("source_key", flat=True)),
        Activity.objects.filter(roadmap__in=seeds).count(),
        DeadlineWindow.objects.filter(activity__roadmap__in=seeds).count(),
        CompletionMark.objects.filter(window__activity__roadmap__in=seeds).count(),
    )


@pytest.mark.django_db
def test_counts_are_what_the_arguments_imply():
    before = seed_snapshot()
    organisations_before = set(Organisation.objects.values_list("pk", "name", "region", "municipality"))
    generate(m=3, s=4, a=6, region_size=2)
    supervised, mentors, unfavourable = school_roles(4)
    municipalities = generated_municipalities()
    schools = generated_schools()

    assert municipalities.count() == 3
    assert municipalities.values("region").distinct().count() == 2  # ceil(3 / 2)
    assert schools.count() == 3 * 4
    departments = Organisation.objects.filter(municipality__in=municipalities).exclude(kind="school")
    assert sorted(departments.values_list("kind", flat=True)) == ["department"] * 3 + ["methodological"] * 3
    assert Person.objects.filter(organisation__in=schools, is_head=True).count() == 12
    coordinators = Person.objects.filter(organisation__in=departments, position__contains="координатор")
    assert coordinators.count() == 3
    roadmaps = Roadmap.objects.filter(GENERATED)
    assert roadmaps.filter(level="municipal").count() == 3 * MUNICIPAL_YEARS
    assert roadmaps.filter(level="school").count() == 3 * 4
    assert Activity.objects.filter(IN_GENERATED).count() == 6 * 3 * (MUNICIPAL_YEARS + 4)
    assert 3 * roadmaps.count() <= Section.objects.filter(IN_GENERATED).count() <= 9 * roadmaps.count()
    assert RoadmapSchool.objects.filter(IN_GENERATED).count() == 3 * (
        MUNICIPAL_YEARS * (supervised + mentors) + 4
    )
    per_year = supervised + mentors + unfavourable
    assert SchoolStatus.objects.filter(school__in=schools).count() == 3 * MUNICIPAL_YEARS * per_year
    assert MentorPair.objects.filter(mentee__in=schools).count() == 3 * MUNICIPAL_YEARS * supervised
    assert (
        CoordinatorAssignment.objects.filter(school__in=schools).count() == 3 * MUNICIPAL_YEARS * supervised
    )
    assert Membership.objects.filter(organisation__in=schools).count() == 12
    basic = schools.filter(name__contains="ООШ").count()
    assert ExamResult.objects.filter(school__in=schools).count() == 3 * (8 * (12 - basic) + 6 * basic)
    assert SchoolProfile.objects.filter(school__in=schools, academic_year=2026).count() == 12
    assert SchoolRisk.objects.filter(school__in=schools).count() == 12 * RiskFactor.objects.count()
    assert seed_snapshot() == before
    organisations = set(Organisation.objects.values_list("pk", "name", "region", "municipality"))
    assert organisations_before < organisations
    new_regional_bodies = Organisation.objects.filter(
        municipality=None, name__startswith="Министерство образования:"
    )
    assert len(organisations - organisations_before) == 3 * (4 + 2) + new_regional_bodies.count()


@pytest.mark.django_db
def test_each_region_gets_a_viewer_and_a_region_staff_user_of_its_regional_body():
    generate(m=3, s=2, a=3, region_size=2)
    regions = set(generated_municipalities().values_list("region", flat=True))
    regional = Membership.objects.filter(
        user__username__startswith="gen-r", organisation__municipality=None, organisation__region__in=regions
    )
    for role in (Membership.Role.REGIONAL_VIEWER, Membership.Role.REGION_STAFF):
        assert sorted(regional.filter(role=role).values_list("organisation__region", flat=True)) == sorted(
            regions
        )


@pytest.mark.django_db
def test_every_activity_has_a_section_of_its_roadmap_and_a_seed_text():
    generate(m=2, s=3, a=8)
    activities = Activity.objects.filter(IN_GENERATED)
    assert activities.exists()
    assert not activities.filter(Q(section=None) | ~Q(section__roadmap=F("roadmap"))).exists()
    seed_texts = set()
    for path in [*SEED_FILES, SCHOOL_FIXTURE]:
        seed_texts |= set(_contents(json.loads(path.read_text(encoding="utf-8"))))
    assert set(activities.values_list("content", flat=True)) <= seed_texts
    repeated = activities.values("roadmap", "content").annotate(n=Count("pk")).filter(n__gt=1)
    assert not repeated.exists()  # 8 rows drawn from over 70 seed rows: none twice in a roadmap


def _contents(node: dict):
    for row in node.get("activities", []):
        yield row["content"].strip()
        for child in row.get("children", []):
            yield child["content"].strip()
    for key in ("sections", "subsections"):
        for section in node.get(key, []):
            yield from _contents(section)


@pytest.mark.django_db
def test_windows_lie_within_their_roadmap_period():
    generate(m=3, s=4, a=10)
    windows = DeadlineWindow.objects.filter(activity__roadmap__source_key__startswith="gen:")
    assert windows.count() > Activity.objects.filter(IN_GENERATED, needs_date=False).count() * 0.9
    assert not windows.filter(end__gt=F("activity__roadmap__period_end")).exists()
    assert not windows.filter(end__lt=F("activity__roadmap__period_start")).exists()
    assert not windows.filter(start__lt=F("activity__roadmap__period_start")).exists()
    assert not Activity.objects.filter(IN_GENERATED, needs_date=True, windows__isnull=False).exists()
    # «ежемесячно», «январь, июнь»: some activities have several windows
    several = Activity.objects.filter(IN_GENERATED).annotate(n=Count("windows")).filter(n__gt=1)
    assert several.exists()


@pytest.mark.django_db
def test_marks_sit_on_real_pairs_and_done_marks_have_a_date():
    generate(m=3, s=4, a=20)
    marks = CompletionMark.objects.filter(window__activity__roadmap__source_key__startswith="gen:")
    assert marks.count() > 100
    assert not marks.exclude(executor__activity=F("window__activity")).exists()
    assert not marks.filter(executor__organisation=None, executor__person=None).exists()
    assert not marks.filter(window__is_cancelled=True).exists()
    assert not marks.filter(status="done", completed_on=None).exists()
    assert not marks.exclude(status="done").exclude(completed_on=None).exists()
    assert not marks.filter(completed_on__gt=TODAY).exists()
    assert not marks.exclude(review="pending").filter(reviewed_at=None).exists()


@pytest.mark.django_db
def test_the_mix_of_marks_looks_like_a_real_year():
    generate(m=3, s=4, a=20)
    marks = CompletionMark.objects.filter(window__activity__roadmap__source_key__startswith="gen:")
    past = marks.filter(window__end__lt=TODAY)
    on_time = past.filter(status="done", completed_on__lte=F("window__end")).count()
    late = past.filter(status="done", completed_on__gt=F("window__end")).count()
    assert on_time > 3 * late > 0
    assert past.filter(review="returned").exists()
    assert past.filter(status="not_done").exists()
    pairs_past = (
        Executor.objects.filter(activity__roadmap__source_key__startswith="gen:")
        .exclude(organisation=None, person=None)
        .filter(activity__windows__end__lt=TODAY, activity__windows__is_cancelled=False)
        .count()
    )
    done = past.filter(status="done").count()
    assert 0.55 * pairs_past < done < 0.9 * pairs_past  # most past windows done, some overdue
    future = DeadlineWindow.objects.filter(activity__roadmap__source_key__startswith="gen:", start__gt=TODAY)
    assert future.exists()
    assert not marks.filter(window__in=future, status="done").exists()


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_municipalities():
    counts = []
    for m in (2, 6):
        with rolled_back(), CaptureQueriesContext(connection) as queries:
            generate(m=m, s=4, a=6)
            rows = Activity.objects.filter(IN_GENERATED).count()
        counts.append(len(queries) - 1)
        assert rows == 6 * m * (MUNICIPAL_YEARS + 4)
    assert counts[0] == counts[1]
    assert counts[0] < 40


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data():
    runs = []
    for seed in (7, 7, 8):
        with rolled_back():
            generate(m=2, s=3, a=6, seed=seed)
            runs.append(_fingerprint())
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def _fingerprint():
    return (
        list(generated_schools().order_by("pk").values_list("name", flat=True)),
        list(
            Person.objects.filter(organisation__municipality__in=generated_municipalities()).values_list(
                "full_name"
            )
        ),
        list(
            Activity.objects.filter(IN_GENERATED)
            .order_by("pk")
            .values_list(
                "roadmap__title", "section__title", "number", "content", "deadline_text", "responsible_text"
            )
        ),
        list(
            DeadlineWindow.objects.filter(activity__roadmap__source_key__startswith="gen:")
            .order_by("pk")
            .values_list("start", "end", "is_cancelled")
        ),
        list(
            CompletionMark.objects.filter(window__activity__roadmap__source_key__startswith="gen:")
            .order_by("pk")
            .values_list("status", "completed_on", "review", "executor__label")
        ),
    )


@pytest.mark.django_db
def test_a_second_run_is_refused_in_russian():
    generate(m=1, s=2, a=3)
    with pytest.raises(CommandError, match="уже есть"):
        generate(m=1, s=2, a=3)
    assert Roadmap.objects.filter(GENERATED).count() == MUNICIPAL_YEARS + 2


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["insert", "bulk_create"])
def test_it_writes_no_history_rows(method):
    if connection.vendor == "postgresql" and method == "insert":
        method = "copy"
    histories = [Roadmap.history, Section.history, Activity.history, CompletionMark.history]
    before = [h.count() for h in histories]
    generate(m=2, s=3, a=5, method=method)
    assert Activity.objects.filter(IN_GENERATED).count() == 5 * 2 * (MUNICIPAL_YEARS + 3)
    assert CompletionMark.objects.filter(window__activity__roadmap__source_key__startswith="gen:").exists()
    assert [h.count() for h in histories] == before


@pytest.mark.django_db
def test_without_a_risk_catalogue_it_skips_risks_and_says_so():
    SchoolRisk.objects.all().delete()  # the demo data of Таганрог
    ActivityRiskFactor.objects.all().delete()
    RiskFactor.objects.all().delete()
    out = generate(m=1, s=3, a=5)
    assert "Каталог факторов риска пуст" in out
    assert not SchoolRisk.objects.exists()
    assert not ActivityRiskFactor.objects.exists()


@pytest.mark.django_db
def test_activities_are_tagged_with_the_risks_of_their_school():
    if not RiskFactor.objects.exists():
        RiskFactor.objects.create(code="T01", name="Дефицит педагогических кадров")
    generate(m=2, s=4, a=10)
    school_links = ActivityRiskFactor.objects.filter(
        activity__roadmap__level="school", activity__roadmap__source_key__startswith="gen:"
    )
    assert school_links.exists()
    for link in school_links.select_related("activity__roadmap"):
        assert SchoolRisk.objects.filter(
            school=link.activity.roadmap.owner_id, factor=link.factor_id, level__in=["high", "medium"]
        ).exists()


@pytest.mark.django_db
def test_bad_arguments_get_a_russian_message():
    with pytest.raises(CommandError, match="ГГГГ-ММ-ДД"):
        call_command(
            "generate_demo_data", municipalities=1, schools_per_municipality=1, activities_per_roadmap=1,
            today="23.11.2026", stdout=io.StringIO(),
        )  # fmt: skip
    with pytest.raises(CommandError, match="больше нуля"):
        generate(m=0)
    assert not Roadmap.objects.filter(GENERATED).exists()
