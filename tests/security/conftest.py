"""The worlds the security suite attacks: a municipality of another region that no persona may
reach (``Foreign``), and a school of Таганрог that is not the principal's or the mentor's
(``Neighbour``). Every name in them carries ``MARKER``, so that a page which leaks any of it
is caught by a plain substring test; ``snapshot`` reads every row of a world, so that a write
which got through is caught whatever it changed."""

from __future__ import annotations

import secrets
import uuid
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.query import ModelIterable

from monitoring.models import (
    CalendarFeed,
    ExamResult,
    IndicatorValue,
    Notification,
    NotificationSettings,
    OlympiadResult,
    PublicPage,
    ResultsImportPreview,
    SchoolProfile,
    SchoolRisk,
)
from monitoring.publishing.public_page import public_page_publish
from monitoring.results.previews import preview_put
from roadmaps.documents.build import job_put
from roadmaps.models import (
    Activity,
    Comment,
    CompletionMark,
    DeadlineWindow,
    Evidence,
    Executor,
    ExportJob,
    ImportDraft,
    Roadmap,
    RoadmapEvent,
    RoadmapSchool,
    Section,
    TargetIndicator,
    TrashEntry,
)
from roadmaps.services.trash import activity_trash
from schools.models import (
    CoordinatorAssignment,
    Membership,
    MentorPair,
    Municipality,
    Organisation,
    Person,
    Region,
    RegistryImport,
    SchoolStatus,
)
from tests.monitoring.world import World

# In every name of both worlds: no page a persona gets may contain it.
MARKER = "Зазеркалье"


# --- imports ---
def _registry_draft(municipality, staff) -> RegistryImport:
    """An unconfirmed registry upload of ``staff``: confirmed, it would add a school."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Полное наименование", "Директор (ФИО)"])
    book.active.append([f"МОБУ СОШ № 77 ({MARKER})", f"{MARKER} Б.Б."])
    out = io.BytesIO()
    book.save(out)
    return RegistryImport.objects.create(
        municipality=municipality, created_by=staff, file_name=f"{MARKER}.xlsx", content=out.getvalue()
    )


# --- end of imports ---


def _mark_with_evidence(executor, window, by, comment: str) -> CompletionMark:
    mark = CompletionMark.objects.create(
        executor=executor,
        window=window,
        status=CompletionMark.Status.DONE,
        completed_on=date(2026, 3, 20),
        comment=comment,
        marked_by=by,
    )
    evidence = Evidence(mark=mark, original_name=f"{MARKER}.pdf", size=4, content_type="application/pdf")
    evidence.file.save("akt.pdf", ContentFile(b"%PDF"), save=True)
    return mark


class Foreign(World):
    """A municipality of a region of its own, with one of everything a URL can point at."""

    def __init__(self) -> None:
        super().__init__()
        tag = MARKER
        self.region = self.municipality.region
        self.region.name = f"{self.region.name} ({tag})"
        self.region.save()
        self.municipality.name = f"{self.municipality.name} ({tag})"
        self.municipality.save()
        for org in (self.department, self.school, self.school2):
            org.name = f"{org.name} ({tag})"
            org.short_name = f"{org.short_name} ({tag})" if org.short_name else ""
            org.save()
        self.roadmap.title = f"Дорожная карта {tag}"
        self.roadmap.save()
        RoadmapSchool.objects.create(roadmap=self.roadmap, school=self.school)
        SchoolStatus.objects.create(
            school=self.school, academic_year=2025, kind=SchoolStatus.Kind.LOW_RESULTS
        )

        self.section = Section.objects.create(
            roadmap=self.roadmap, number="1.", order=1, title=f"Раздел {tag}"
        )
        window = self.window(date(2026, 3, 31), schools=[self.school], content=f"Мероприятие {tag}")
        self.activity = window.activity
        self.activity.section = self.section
        self.activity.save()
        self.sub_activity = Activity.objects.create(
            roadmap=self.roadmap, parent=self.activity, number="1.1.", order=99, content=f"Подпункт {tag}"
        )
        executor = self.activity.executors.get()
        self.mark = _mark_with_evidence(executor, window, self.principal, f"Отчёт {tag}")
        self.evidence = self.mark.evidence.get()
        Comment.objects.create(activity=self.activity, author=self.principal, text=f"Комментарий {tag}")
        trashed = self.window(date(2026, 4, 30), content=f"Удалённое {tag}").activity
        self.trash_entry = activity_trash(activity=trashed, by=self.staff)

        self.indicator = TargetIndicator.objects.create(roadmap=self.roadmap, name=f"Показатель {tag}")
        self.indicator_value = IndicatorValue.objects.create(
            indicator=self.indicator, school=self.school, as_of=date(2026, 1, 1), value=42
        )
        self.exam_result = ExamResult.objects.create(
            school=self.school, year=2025, exam="oge", subject=f"Математика {tag}", grade=9, participants=20
        )
        self.olympiad_result = OlympiadResult.objects.create(
            school=self.school, academic_year=2025, level="school", participants=10
        )
        SchoolProfile.objects.create(school=self.school, academic_year=2025)
        self.notification = Notification.objects.create(
            user=self.principal, kind=Notification.Kind.DUE, title=f"Срок {tag}", url="/"
        )
        public_page_publish(roadmap=self.roadmap, by=self.staff)
        self.public_token = PublicPage.objects.get(roadmap=self.roadmap).token
        self.calendar_token = CalendarFeed.objects.create(user=self.principal).token
        self.job_id = secrets.token_hex(16)
        job_put(
            self.job_id,
            {"user": self.staff.pk, "kind": "xlsx", "roadmaps": [self.roadmap.pk], "school": None}
            | {"on": "2026-03-01", "title": self.roadmap.title, "subject": self.roadmap.title},
        )
        self.import_token = ImportDraft.objects.create(
            user=self.staff,
            owner=self.department,
            file_name=f"{tag}.docx",
            state="failed",
            error="Не прочитан",
        ).token
        self.results_token = preview_put(
            kind="results",
            user=self.staff,
            municipality=self.municipality,
            filename=f"{tag}.xlsx",
            sheet="",
            rows=[],
        )
        self.olympiad_token = preview_put(
            kind="olympiad",
            user=self.staff,
            municipality=self.municipality,
            filename=f"{tag}.xlsx",
            sheet="",
            rows=[],
        )
        _registry_rows(self, mentor=self.school2, mentee=self.school)
        # --- invitations ---
        self.invitation = _invitation(self.school, self.staff)
        self.registry_draft = _registry_draft(self.municipality, self.staff)  # imports

    def snapshot(self) -> dict:
        """Every row of this world, as it stands."""
        orgs = [self.department.pk, self.school.pk, self.school2.pk]
        users = list(Membership.objects.filter(organisation__in=orgs).values_list("user", flat=True))
        roadmaps = list(Roadmap.objects.filter(owner__in=orgs).values_list("pk", flat=True))
        rows = dict(
            region=Region.objects.filter(pk=self.region.pk),
            municipality=Municipality.objects.filter(region=self.region),
            organisation=Organisation.objects.filter(region=self.region),
            school_status=SchoolStatus.objects.filter(school__in=orgs),
            membership=Membership.objects.filter(organisation__in=orgs),
            user=get_user_model()
            .objects.filter(pk__in=users)
            .values("pk", "username", "password", "is_active", "is_staff", "is_superuser", "email"),
            exports=ExportJob.objects.filter(user__in=users),
            import_drafts=ImportDraft.objects.filter(owner__in=orgs),
            results_previews=ResultsImportPreview.objects.filter(municipality=self.municipality),
            registry_imports=RegistryImport.objects.filter(municipality=self.municipality),  # imports
            **_school_rows(orgs, users),
            **_roadmap_rows(roadmaps),
        )
        return {name: _rows(qs) for name, qs in rows.items()}


class Neighbour:
    """A school of Таганрог that is neither the principal's (МОБУ СОШ № 6) nor the mentor's
    (МОБУ лицей № 7) nor one it mentors, on the city's roadmap with its own mark and evidence."""

    def __init__(self) -> None:
        from schools.models import Person

        taganrog = Organisation.objects.get(name="МОБУ СОШ № 6")
        self.school = Organisation.objects.create(
            name=f"МОБУ СОШ № 99 ({MARKER})",
            region_id=taganrog.region_id,
            municipality_id=taganrog.municipality_id,
        )
        self.principal = get_user_model().objects.create_user(f"principal-{MARKER}", last_name=MARKER)
        Membership.objects.create(
            user=self.principal, organisation=self.school, role=Membership.Role.PRINCIPAL
        )
        Person.objects.create(full_name=f"{MARKER} А.А.", organisation=self.school, user=self.principal)
        roadmap = Roadmap.objects.get(source_key="002_taganrog")
        self.activity = roadmap.activities.get(number="5.")
        window = self.activity.windows.first() or DeadlineWindow.objects.create(
            activity=self.activity, end=date(2026, 3, 31)
        )
        executor = Executor.objects.create(
            activity=self.activity,
            kind=Executor.Kind.SCHOOL,
            label=self.school.name,
            organisation=self.school,
        )
        self.mark = _mark_with_evidence(executor, window, self.principal, f"Отчёт {MARKER}")
        self.evidence = self.mark.evidence.get()
        self.exam_result = ExamResult.objects.create(
            school=self.school,
            year=2025,
            exam="oge",
            subject=f"Математика {MARKER}",
            grade=9,
            participants=20,
        )
        self.olympiad_result = OlympiadResult.objects.create(
            school=self.school, academic_year=2025, level="school", participants=10
        )
        indicator = TargetIndicator.objects.filter(roadmap=roadmap).first() or TargetIndicator.objects.create(
            roadmap=roadmap, name="Доля выпускников"
        )
        self.indicator_value = IndicatorValue.objects.create(
            indicator=indicator, school=self.school, as_of=date(2026, 1, 1), value=7
        )
        SchoolProfile.objects.create(school=self.school, academic_year=2025)
        # The department's export of the city's roadmap, built: it carries every school's
        # details, as the department reads them.
        self.job_id = uuid.uuid4().hex
        path = default_storage.save("exports/security.xlsx", ContentFile(MARKER.encode()))
        job_put(
            self.job_id,
            {"user": get_user_model().objects.get(username="uo").pk, "kind": "xlsx", "roadmaps": [roadmap.pk]}
            | {
                "school": None,
                "on": "2026-03-01",
                "title": roadmap.title,
                "subject": roadmap.title,
                "path": path,
            },
        )

    def snapshot(self) -> dict:
        rows = dict(
            organisation=Organisation.objects.filter(pk=self.school.pk),
            exports=ExportJob.objects.filter(job_id=self.job_id),
            marks=CompletionMark.objects.filter(executor__organisation=self.school),
            evidence=Evidence.objects.filter(mark__executor__organisation=self.school),
            executors=Executor.objects.filter(organisation=self.school),
            **_school_rows([self.school.pk], [self.principal.pk]),
        )
        return {name: _rows(qs) for name, qs in rows.items()}


class City(Neighbour):
    """Таганрог as its readers see it (the regional viewer, a principal, a mentor): the city's
    roadmap with one of everything a URL points at (the neighbour school's mark, evidence and
    results among them), and the department's own trash, notification, files and uploads."""

    def __init__(self) -> None:
        super().__init__()
        staff = get_user_model().objects.get(username="uo")
        self.roadmap = self.activity.roadmap
        self.section = self.roadmap.sections.first()
        self.municipality = self.school.municipality
        self.region = self.municipality.region
        self.indicator = self.indicator_value.indicator
        trashed = Activity.objects.create(roadmap=self.roadmap, number="99.", order=999, content=MARKER)
        self.trash_entry = activity_trash(activity=trashed, by=staff)
        self.notification = Notification.objects.create(user=staff, kind=Notification.Kind.DUE, title=MARKER)
        department = Organisation.objects.get(pk=self.roadmap.owner_id)
        self.import_token = ImportDraft.objects.create(
            user=staff, owner=department, file_name="plan.docx", state="failed", error="Не прочитан"
        ).token
        self.results_token, self.olympiad_token = (
            preview_put(
                kind=k, user=staff, municipality=self.municipality, filename="r.xlsx", sheet="", rows=[]
            )
            for k in ("results", "olympiad")
        )
        _registry_rows(self, mentor=Organisation.objects.get(name="МОБУ СОШ № 16"), mentee=self.school)
        # --- invitations ---
        self.invitation = _invitation(self.school, staff)
        self.registry_draft = _registry_draft(self.municipality, staff)  # imports

    def snapshot(self) -> dict:
        orgs = list(Organisation.objects.filter(municipality=self.municipality).values_list("pk", flat=True))
        users = list(Membership.objects.filter(organisation__in=orgs).values_list("user", flat=True))
        roadmaps = list(Roadmap.objects.filter(owner__in=orgs).values_list("pk", flat=True))
        rows = dict(
            organisation=Organisation.objects.filter(pk__in=orgs),
            school_status=SchoolStatus.objects.filter(school__in=orgs),
            exports=ExportJob.objects.filter(user__in=users),
            import_drafts=ImportDraft.objects.filter(owner__in=orgs),
            results_previews=ResultsImportPreview.objects.filter(municipality=self.municipality),
            registry_imports=RegistryImport.objects.filter(municipality=self.municipality),  # imports
            **_school_rows(orgs, users),
            **_roadmap_rows(roadmaps),
        )
        return {name: _rows(qs) for name, qs in rows.items()}


# --- registry ---
def _registry_rows(world, *, mentor: Organisation, mentee: Organisation) -> None:
    """The registry's rows of a world: a mentor pair, a coordinator's assignment, and a pair
    deleted, whose history record «Вернуть» points at."""
    world.pair = MentorPair.objects.create(mentor=mentor, mentee=mentee, academic_year=2025)
    coordinator = Person.objects.filter(organisation__municipality=mentee.municipality_id).exclude(
        organisation__kind=Organisation.Kind.SCHOOL
    ).first() or Person.objects.create(full_name=f"{MARKER} К.К.", organisation=mentee)
    world.assignment = CoordinatorAssignment.objects.get_or_create(
        coordinator=coordinator, school=mentee, academic_year=2025
    )[0]
    deleted = MentorPair.objects.create(mentor=mentor, mentee=mentee, academic_year=2024)
    deleted_id = deleted.pk
    deleted.delete()
    world.deleted_pair = MentorPair.history.get(id=deleted_id, history_type="-").history_id


# --- end of registry ---
# --- invitations ---
def _invitation(school, by):
    from datetime import timedelta

    from django.utils import timezone

    from schools.models import Invitation

    return Invitation.objects.create(
        email=f"invited-{school.pk}@example.org",
        full_name=f"{MARKER} Б.Б.",
        role=Membership.Role.PRINCIPAL,
        organisation=school,
        invited_by=by,
        expires_at=timezone.now() + timedelta(days=7),
        token_hash=secrets.token_hex(32),
    )


def _school_rows(orgs: list[int], users: list[int]) -> dict:
    from schools.models import Invitation, Person

    return dict(
        mentor_pairs=MentorPair.objects.filter(mentee__in=orgs),  # registry
        coordinator_assignments=CoordinatorAssignment.objects.filter(school__in=orgs),  # registry
        # --- invitations ---
        invitations=Invitation.objects.filter(organisation__in=orgs),
        people=Person.objects.filter(organisation__in=orgs),
        memberships=Membership.objects.filter(organisation__in=orgs),
        accounts=get_user_model().objects.filter(pk__in=users).values("pk", "is_active", "password"),
        exam_results=ExamResult.objects.filter(school__in=orgs),
        olympiad_results=OlympiadResult.objects.filter(school__in=orgs),
        indicator_values=IndicatorValue.objects.filter(school__in=orgs),
        profiles=SchoolProfile.objects.filter(school__in=orgs),
        risks=SchoolRisk.objects.filter(school__in=orgs),
        notifications=Notification.objects.filter(user__in=users),
        notification_settings=NotificationSettings.objects.filter(user__in=users),
        calendar_feeds=CalendarFeed.objects.filter(user__in=users),
    )


def _roadmap_rows(roadmaps: list[int]) -> dict:
    # The base managers: rows in the trash are rows too.
    return dict(
        roadmaps=Roadmap.objects.filter(pk__in=roadmaps),
        events=RoadmapEvent.objects.filter(roadmap__in=roadmaps),
        roadmap_schools=RoadmapSchool.objects.filter(roadmap__in=roadmaps),
        indicators=TargetIndicator.objects.filter(roadmap__in=roadmaps),
        all_indicator_values=IndicatorValue.objects.filter(indicator__roadmap__in=roadmaps),
        sections=Section._base_manager.filter(roadmap__in=roadmaps),
        activities=Activity._base_manager.filter(roadmap__in=roadmaps),
        windows=DeadlineWindow._base_manager.filter(activity__roadmap__in=roadmaps),
        executors=Executor._base_manager.filter(activity__roadmap__in=roadmaps),
        marks=CompletionMark._base_manager.filter(executor__activity__roadmap__in=roadmaps),
        evidence=Evidence._base_manager.filter(mark__executor__activity__roadmap__in=roadmaps),
        comments=Comment.objects.filter(activity__roadmap__in=roadmaps),
        trash=TrashEntry.objects.filter(roadmap__in=roadmaps),
        public_pages=PublicPage.objects.filter(roadmap__in=roadmaps),
    )


def _rows(qs) -> list:
    if qs._iterable_class is ModelIterable:
        qs = qs.values()
    return sorted((dict(row) for row in qs), key=lambda row: row.get("id") or row.get("pk"))


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The worlds' users get a password each; PBKDF2 would spend most of the suite's time on them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def foreign(db, media) -> Foreign:
    return Foreign()


@pytest.fixture
def neighbour(db, media) -> Neighbour:
    return Neighbour()


@pytest.fixture
def city(db, media, revising) -> City:
    """Under revision («Внести изменения»), so that the editors' writes are open: only the
    reader's role stands in the way."""
    return City()
