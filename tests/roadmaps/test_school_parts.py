"""Each school sees its own part of a shared roadmap (issue 14): every row and every school's
state, but of other schools only the state; a mentor reads its mentees in full; the
department reads everything. Comments follow one stated rule; free text adds nothing to the
registry."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from docx import Document

from roadmaps.models import Activity, Comment, CompletionMark, DeadlineWindow, Evidence, Executor, Roadmap
from roadmaps.permissions import COMMENT_RULE, parts_read, readable_part
from roadmaps.services.loading import roadmap_load
from schools.models import Membership, MentorPair, Organisation, Person
from tests.monitoring.world import World

pytestmark = pytest.mark.django_db

OWN = "Педсовет проведён, протокол № 3"
THEIRS = "Секретный комментарий школы 102"
THEIR_REVIEW = "Приложите протокол школы 102"


class Shared(World):
    """The test municipality's roadmap shared by two schools, each with its mark, evidence and
    comment; a mentor school paired with МОБУ СОШ № 101 and a regional viewer."""

    def __init__(self, media) -> None:
        super().__init__()
        org = dict(region=self.department.region, municipality=self.municipality)
        self.mentor_school = Organisation.objects.create(name="МОБУ лицей № 103", **org)
        self.mentor = self._member("mentor", self.mentor_school, Membership.Role.MENTOR)
        MentorPair.objects.create(mentor=self.mentor_school, mentee=self.school, academic_year=2025)
        self.viewer = self._member("viewer", self.department, Membership.Role.REGIONAL_VIEWER)
        window = self.window(date(2026, 3, 31), schools=[self.school, self.school2])
        self.activity = window.activity
        self.activity.responsible_text = "МОБУ СОШ № 101, МОБУ СОШ № 102"
        self.activity.save()
        self.own_mark = self._mark(self.school, window, self.principal, OWN, "акт_101.pdf")
        self.their_mark = self._mark(self.school2, window, self.principal2, THEIRS, "акт_102.pdf")
        self.their_mark.review = CompletionMark.Review.RETURNED
        self.their_mark.reviewed_by, self.their_mark.reviewed_at = self.coordinator, timezone.now()
        self.their_mark.review_comment = THEIR_REVIEW
        self.their_mark.save()
        self.own_evidence = self.own_mark.evidence.get()
        self.their_evidence = self.their_mark.evidence.get()
        # A row only the department acts on.
        department_window = self.window(date(2026, 3, 31), schools=[], content="Совещание управления")
        self.department_row = department_window.activity
        Executor.objects.create(
            activity=self.department_row,
            kind=Executor.Kind.ORGANISATION,
            label="УО",
            organisation=self.department,
        )

    def _member(self, name, organisation, role):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_user(f"{name}-{self.municipality.pk}", last_name=name.title())
        Membership.objects.create(user=user, organisation=organisation, role=role)
        return user

    def _mark(self, school, window, by, comment, file_name):
        executor = window.activity.executors.get(organisation=school)
        mark = CompletionMark.objects.create(
            executor=executor,
            window=window,
            status=CompletionMark.Status.DONE,
            completed_on=date(2026, 3, 20),
            comment=comment,
            marked_by=by,
        )
        evidence = Evidence(mark=mark, original_name=file_name, size=4, content_type="application/pdf")
        evidence.file.save(file_name, ContentFile(b"%PDF"), save=True)
        return mark


@pytest.fixture
def shared(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return Shared(tmp_path)


def _page(client, user, activity) -> str:
    client.force_login(user)
    response = client.get(activity.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _evidence(client, user, evidence) -> int:
    client.force_login(user)
    return client.get(reverse("roadmaps:evidence_download", args=[evidence.pk])).status_code


# --- The activity page and the evidence -------------------------------------------------------


def test_a_principal_sees_another_schools_state_but_not_its_details(client, shared):
    html = _page(client, shared.principal, shared.activity)
    assert "МОБУ СОШ № 102" in html
    assert "Просрочено, возвращено" in html  # the other school's state is shown
    assert THEIRS not in html and "акт_102.pdf" not in html and THEIR_REVIEW not in html
    assert "Завучева" not in html  # who marked it
    assert OWN in html and "акт_101.pdf" in html  # their own part in full


def test_a_principal_cannot_download_another_schools_evidence(client, shared):
    assert _evidence(client, shared.principal, shared.their_evidence) == 404
    assert _evidence(client, shared.principal, shared.own_evidence) == 200


def test_a_mentor_reads_its_mentee_in_full_and_of_others_only_the_state(client, shared):
    html = _page(client, shared.mentor, shared.activity)
    assert OWN in html and "акт_101.pdf" in html
    assert THEIRS not in html and "акт_102.pdf" not in html and THEIR_REVIEW not in html
    assert "Просрочено, возвращено" in html
    assert _evidence(client, shared.mentor, shared.own_evidence) == 200
    assert _evidence(client, shared.mentor, shared.their_evidence) == 404


@pytest.mark.parametrize("who", ["staff", "coordinator", "viewer"])
def test_the_department_and_the_region_read_every_school(client, shared, who):
    user = getattr(shared, who)
    html = _page(client, user, shared.activity)
    assert OWN in html and THEIRS in html and THEIR_REVIEW in html and "акт_102.pdf" in html
    assert _evidence(client, user, shared.their_evidence) == 200


def test_a_superuser_reads_every_school(client, shared, superuser):
    assert THEIRS in _page(client, superuser, shared.activity)
    assert _evidence(client, superuser, shared.their_evidence) == 200


def test_an_outsider_gets_404_for_the_page_and_the_evidence(client, shared, outsider):
    client.force_login(outsider)
    assert client.get(shared.activity.get_absolute_url()).status_code == 404
    assert _evidence(client, outsider, shared.own_evidence) == 404


def test_the_history_hides_another_schools_mark_changes(client, shared):
    shared.their_mark.comment = "Исправлено школой 102"
    shared.their_mark.save()
    assert "Исправлено школой 102" not in _page(client, shared.principal, shared.activity)
    assert "Исправлено школой 102" in _page(client, shared.staff, shared.activity)


def test_kept_marks_of_another_school_stay_hidden(client, shared):
    Executor.objects.filter(pk=shared.their_mark.executor_id).update(is_dropped=True)
    assert THEIRS not in _page(client, shared.principal, shared.activity)
    assert THEIRS in _page(client, shared.staff, shared.activity)


def test_the_roadmap_page_shows_every_schools_state_to_a_principal(client, shared):
    client.force_login(shared.principal)
    html = client.get(shared.roadmap.get_absolute_url()).content.decode()
    assert "Просрочено, возвращено" in html  # the other school's state
    assert "Выполнено в срок, ждёт проверки" in html  # their own
    assert THEIRS not in html


def test_the_departments_own_marks_stay_visible_to_a_principal(client, shared):
    executor = shared.department_row.executors.get()
    CompletionMark.objects.create(
        executor=executor,
        window=shared.department_row.windows.get(),
        status=CompletionMark.Status.DONE,
        completed_on=date(2026, 3, 1),
        comment="Совещание проведено управлением",
    )
    assert "Совещание проведено управлением" in _page(client, shared.principal, shared.department_row)


# --- Comments -------------------------------------------------------------------------------


def _comment(activity, author, text):
    return Comment.objects.create(activity=activity, author=author, text=text)


def test_another_schools_comments_are_hidden_and_the_departments_are_not(client, shared):
    _comment(shared.activity, shared.principal2, "Мнение школы 102")
    _comment(shared.activity, shared.coordinator, "Совет координатора")
    _comment(shared.activity, shared.mentor, "Совет наставника школе 101")
    principal = _page(client, shared.principal, shared.activity)
    assert "Мнение школы 102" not in principal
    assert "Совет координатора" in principal and "Совет наставника школе 101" in principal
    other = _page(client, shared.principal2, shared.activity)
    assert "Мнение школы 102" in other and "Совет координатора" in other
    assert "Совет наставника школе 101" not in other
    staff = _page(client, shared.staff, shared.activity)
    assert all(text in staff for text in ["Мнение школы 102", "Совет координатора", "Совет наставника"])


def test_the_page_states_the_comment_rule(client, shared):
    assert COMMENT_RULE in _page(client, shared.principal, shared.activity)


def test_a_principal_comments_where_the_school_acts(client, shared):
    client.force_login(shared.principal)
    url = reverse("roadmaps:comment_add", args=[shared.activity.pk])
    assert client.post(url, {"text": "Готовы"}).status_code == 302
    assert shared.activity.comments.filter(text="Готовы").exists()


def test_a_principal_cannot_comment_on_the_municipal_row_of_the_department(client, shared):
    html = _page(client, shared.principal, shared.department_row)
    assert 'name="text"' not in html  # no form
    response = client.post(
        reverse("roadmaps:comment_add", args=[shared.department_row.pk]), {"text": "Мы тут"}
    )
    assert response.status_code == 403
    assert not shared.department_row.comments.exists()


@pytest.mark.parametrize("who", ["staff", "coordinator", "mentor"])
def test_staff_coordinators_and_mentors_comment_on_any_row_they_see(client, shared, who):
    client.force_login(getattr(shared, who))
    assert 'name="text"' in _page(client, getattr(shared, who), shared.department_row)
    response = client.post(reverse("roadmaps:comment_add", args=[shared.department_row.pk]), {"text": "Ок"})
    assert response.status_code == 302


def test_a_regional_viewer_does_not_comment(client, shared):
    client.force_login(shared.viewer)
    response = client.post(reverse("roadmaps:comment_add", args=[shared.activity.pk]), {"text": "Ок"})
    assert response.status_code == 403


# --- Exports --------------------------------------------------------------------------------


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    return "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)


def _xlsx_text(content: bytes) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return "\n".join(
        str(value)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value
    )


@pytest.mark.parametrize("kind, read", [("docx-marks", _docx_text), ("xlsx", _xlsx_text)])
def test_a_principals_export_carries_only_the_state_of_another_school(client, shared, kind, read):
    url = reverse("documents:roadmap_export", args=[shared.roadmap.pk, kind])
    client.force_login(shared.principal)
    principal = read(b"".join(client.post(url).streaming_content))
    assert "Просрочено, возвращено — СОШ № 102" in principal
    assert THEIR_REVIEW not in principal and "Завучева" not in principal
    assert "Директорова" in principal  # their own: who marked
    client.force_login(shared.staff)
    staff = read(b"".join(client.post(url).streaming_content))
    assert THEIR_REVIEW in staff and "Завучева" in staff


def test_a_principals_report_leaves_out_another_schools_review(client, shared):
    url = reverse("documents:roadmap_report", args=[shared.roadmap.pk])
    client.force_login(shared.principal)
    principal = _docx_text(b"".join(client.post(url, {"on": "2026-04-15"}).streaming_content))
    assert "МОБУ СОШ № 102" in principal and THEIR_REVIEW not in principal
    client.force_login(shared.staff)
    staff = _docx_text(b"".join(client.post(url, {"on": "2026-04-15"}).streaming_content))
    assert THEIR_REVIEW in staff


# --- One rule, twice written ----------------------------------------------------------------


def test_the_rule_on_a_row_in_hand_and_in_sql_agree_for_every_persona(shared, superuser, outsider):
    executors = list(Executor.objects.filter(activity__roadmap=shared.roadmap).select_related("organisation"))
    for user in [shared.principal, shared.principal2, shared.mentor, shared.staff, shared.coordinator,
                 shared.viewer, superuser, outsider]:  # fmt: skip
        parts = parts_read(user, shared.roadmap)
        in_sql = set(
            Executor.objects.filter(readable_part(user, ""), activity__roadmap=shared.roadmap).values_list(
                "pk", flat=True
            )
        )
        assert {e.pk for e in executors if parts.reads(e)} == in_sql, user


# --- Free text and the registry -------------------------------------------------------------


def _school_roadmap(shared) -> Activity:
    roadmap = Roadmap.objects.create(
        owner=shared.school,
        level=Roadmap.Level.SCHOOL,
        title="Программа школы 101",
        period_start="2025-09-01",
        period_end="2026-08-31",
        status=Roadmap.Status.DRAFT,
    )
    activity = Activity.objects.create(roadmap=roadmap, number="1.", order=1, content="Открытый урок")
    DeadlineWindow.objects.create(activity=activity, end=date(2026, 3, 31))
    return activity


def test_a_principal_typing_an_unknown_school_creates_no_organisation(client, shared):
    activity = _school_roadmap(shared)
    client.force_login(shared.principal)
    organisations, people = Organisation.objects.count(), Person.objects.count()
    response = client.post(
        reverse("roadmaps:activity_edit", args=[activity.pk]),
        {
            "number": "1.",
            "content": activity.content,
            "deadline_text": "март 2026",
            "responsible_text": "МБОУ СОШ № 777; Неизвестнова А.А., учитель",
            "expected_result": "",
            "version": activity.version,
        },
    )
    assert response.status_code == 302
    assert Organisation.objects.count() == organisations and Person.objects.count() == people
    labels = {(e.label, e.organisation_id, e.person_id) for e in activity.executors.all()}
    assert ("МБОУ СОШ № 777", None, None) in labels


def test_an_edit_naming_a_school_of_the_registry_links_it(client, shared):
    activity = _school_roadmap(shared)
    client.force_login(shared.principal)
    client.post(
        reverse("roadmaps:activity_edit", args=[activity.pk]),
        {"number": "1.", "content": "Открытый урок", "deadline_text": "март 2026",
         "responsible_text": "МОБУ СОШ № 102", "expected_result": "", "version": activity.version},
    )  # fmt: skip
    assert activity.executors.get().organisation == shared.school2


def _payload(shared, owner) -> dict:
    return {
        "key": f"test-{owner.pk}",
        "region": shared.department.region.name,
        "municipality": shared.municipality.name,
        "owner": {"name": owner.name, "kind": owner.kind},
        "title": "Загруженная",
        "period_start": "2025-09-01",
        "period_end": "2026-08-31",
        "schools": [{"name": "МБОУ СОШ № 778", "director": "Новикова Н.Н."}, {"name": "МОБУ СОШ № 102"}],
        "activities": [{"content": "Урок", "deadline": "март 2026", "responsible": "МБОУ СОШ № 779"}],
    }


def test_a_schools_import_adds_nothing_to_the_registry(shared):
    before = Organisation.objects.count(), Person.objects.count()
    roadmap, _ = roadmap_load(data=_payload(shared, shared.school), adds_to_registry=False)
    assert (Organisation.objects.count(), Person.objects.count()) == before
    assert [link.school for link in roadmap.school_links.all()] == [shared.school2]  # known ones link
    assert roadmap.activities.get().executors.get().organisation is None


def test_the_departments_own_load_still_adds_the_schools_it_lists(shared):
    roadmap_load(data=_payload(shared, shared.department))
    assert Organisation.objects.filter(name="МБОУ СОШ № 778", municipality=shared.municipality).exists()


def test_the_five_seeds_are_loaded(db):
    assert (
        Roadmap.objects.filter(
            source_key__in=["000_ust_dzheguta", "001_ivanteevka", "002_taganrog", "003_kozelsk", "004_sarov"]
        ).count()
        == 5
    )
