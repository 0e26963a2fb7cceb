"""The invariants hold in the database itself, not only in forms."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from roadmaps.models import (
    Activity,
    CompletionMark,
    DeadlineWindow,
    Evidence,
    Executor,
    Roadmap,
    RoadmapSchool,
    TrashEntry,
)
from schools.models import MentorPair, Organisation, Person, SchoolStatus

pytestmark = pytest.mark.django_db


def refused(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


@pytest.fixture
def taganrog():
    return Roadmap.objects.get(source_key="002_taganrog")


@pytest.fixture
def webinar(taganrog):
    return Activity.objects.get(roadmap=taganrog, content__contains="Система восполнения профессиональных")


def test_roadmap_period_must_not_end_before_it_starts(taganrog):
    def create():
        Roadmap.objects.create(
            owner=taganrog.owner,
            title="Черновик",
            period_start=date(2023, 9, 1),
            period_end=date(2023, 8, 31),
        )

    assert refused(create)


def test_roadmap_needs_a_title(taganrog):
    assert refused(
        lambda: Roadmap.objects.create(
            owner=taganrog.owner, title="", period_start=date(2023, 9, 1), period_end=date(2024, 8, 31)
        )
    )


def test_a_source_is_loaded_once(taganrog):
    def create():
        Roadmap.objects.create(
            owner=taganrog.owner,
            title="Копия",
            period_start=taganrog.period_start,
            period_end=taganrog.period_end,
            source_key=taganrog.source_key,
        )

    assert refused(create)


def test_activity_needs_content(taganrog):
    assert refused(lambda: Activity.objects.create(roadmap=taganrog, content="", order=99))


def test_window_cannot_start_after_it_ends(webinar):
    assert refused(
        lambda: DeadlineWindow.objects.create(activity=webinar, start=date(2023, 5, 2), end=date(2023, 5, 1))
    )
    # An open start («до 10 марта») is allowed.
    DeadlineWindow.objects.create(activity=webinar, start=None, end=date(2023, 5, 1))


def test_a_school_is_listed_once_per_roadmap(taganrog):
    link = taganrog.school_links.first()
    assert refused(lambda: RoadmapSchool.objects.create(roadmap=taganrog, school=link.school))


def test_one_executor_per_school_per_activity(taganrog):
    activity = Activity.objects.get(roadmap__source_key="001_ivanteevka", number="5.1")
    school = activity.executors.filter(kind=Executor.Kind.SCHOOL).first().organisation
    assert refused(
        lambda: Executor.objects.create(
            activity=activity, kind=Executor.Kind.SCHOOL, label="ОО", organisation=school
        )
    )


def test_a_school_executor_names_its_school(webinar):
    assert refused(lambda: Executor.objects.create(activity=webinar, kind=Executor.Kind.SCHOOL, label="ОО"))


@pytest.fixture
def mark_parts(webinar):
    return webinar.executors.first(), webinar.windows.first()


def test_one_mark_per_executor_and_window(mark_parts):
    executor, window = mark_parts
    CompletionMark.objects.create(executor=executor, window=window)
    assert refused(lambda: CompletionMark.objects.create(executor=executor, window=window))


def test_a_done_mark_has_a_date(mark_parts):
    executor, window = mark_parts
    assert refused(
        lambda: CompletionMark.objects.create(
            executor=executor, window=window, status=CompletionMark.Status.DONE
        )
    )
    CompletionMark.objects.create(
        executor=executor, window=window, status=CompletionMark.Status.DONE, completed_on=date(2023, 4, 27)
    )


def test_an_accepted_mark_records_when(mark_parts):
    executor, window = mark_parts
    assert refused(
        lambda: CompletionMark.objects.create(
            executor=executor, window=window, review=CompletionMark.Review.ACCEPTED
        )
    )


def test_evidence_is_a_file_or_a_link_never_both_or_neither(mark_parts, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    executor, window = mark_parts
    mark = CompletionMark.objects.create(executor=executor, window=window)
    assert refused(lambda: Evidence.objects.create(mark=mark))
    both = Evidence(mark=mark, url="https://school6.example.org/report")
    both.file.save("отчёт.pdf", ContentFile(b"%PDF-1.4"), save=False)
    assert refused(both.save)
    Evidence.objects.create(mark=mark, url="https://school6.example.org/report")


def test_evidence_files_get_names_nobody_can_guess(mark_parts, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    executor, window = mark_parts
    mark = CompletionMark.objects.create(executor=executor, window=window)
    evidence = Evidence(mark=mark, original_name="Отчёт школы 6.PDF")
    evidence.file.save("Отчёт школы 6.PDF", ContentFile(b"%PDF-1.4"), save=True)
    stored = evidence.file.name
    assert stored.startswith("evidence/") and stored.endswith(".pdf")
    assert "Отчёт" not in stored and len(stored.split("/")[-1]) == 32 + 4


def test_a_school_is_not_its_own_mentor():
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    assert refused(lambda: MentorPair.objects.create(mentor=school, mentee=school, academic_year=2022))


def test_a_school_has_one_director():
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    assert refused(
        lambda: Person.objects.create(
            full_name="Иванов И.И.", organisation=school, position="директор", is_head=True
        )
    )


def test_a_status_is_given_once_a_year():
    status = SchoolStatus.objects.filter(school__name="МОБУ СОШ № 6").first()
    assert refused(
        lambda: SchoolStatus.objects.create(
            school=status.school, academic_year=status.academic_year, kind=status.kind
        )
    )
    assert refused(
        lambda: SchoolStatus.objects.create(school=status.school, academic_year=1899, kind=status.kind)
    )


def protected(delete) -> bool:
    try:
        with transaction.atomic():
            delete()
    except ProtectedError:
        return True
    return False


def test_a_mark_keeps_its_window_and_executor_from_being_deleted(mark_parts):
    executor, window = mark_parts
    CompletionMark.objects.create(executor=executor, window=window)
    assert protected(window.delete)
    assert protected(executor.delete)
    assert protected(executor.activity.delete)  # nor does a row's deletion take its marks


def test_evidence_keeps_its_mark_from_being_deleted(mark_parts):
    executor, window = mark_parts
    mark = CompletionMark.objects.create(executor=executor, window=window)
    Evidence.objects.create(mark=mark, url="https://school6.example.org/report")
    assert protected(mark.delete)


def test_a_trash_entry_is_not_deleted_while_it_holds_rows(webinar, taganrog):
    entry = TrashEntry.objects.create(roadmap=taganrog, label="Мероприятие 6.")
    Activity.objects.filter(pk=webinar.pk).update(trash=entry)
    assert protected(entry.delete)


def test_rows_in_the_trash_are_left_out_of_the_roadmap(webinar, taganrog):
    entry = TrashEntry.objects.create(roadmap=taganrog, label="Мероприятие 6.")
    Activity.objects.filter(pk=webinar.pk).update(trash=entry)
    assert not taganrog.activities.filter(pk=webinar.pk).exists()
    assert Activity.with_trash.filter(pk=webinar.pk, trash=entry).exists()
