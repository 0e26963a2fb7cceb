"""Demo data: the five seed roadmaps of ``fixtures/seeds`` and the demo users.

Loading twice changes nothing: roadmaps are keyed by their source, users and links are
created only when missing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from roadmaps.models import CompletionMark, DeadlineWindow, Roadmap
from roadmaps.services.loading import roadmap_load
from schools.models import (
    CoordinatorAssignment,
    Membership,
    MentorPair,
    Organisation,
    Person,
    academic_year_bounds,
    academic_year_of,
)

SEED_DIR = Path(settings.BASE_DIR) / "fixtures" / "seeds"
DEMO_SCHOOL_ROADMAP = Path(settings.BASE_DIR) / "fixtures" / "demo" / "school6_antirisk.json"
DEMO_PASSWORD = "demo-2026"

TAGANROG_DEPARTMENT = "Управление образования г. Таганрога"
ROSTOV_MINISTRY = "Министерство общего и профессионального образования Ростовской области"
KOZELSK_DEPARTMENT = "Отдел образования администрации муниципального района «Козельский район»"

# The Таганрог order pairs every supervised school with a mentor school but the
# roadmap does not say which with which; these pairs are demo data, not the source.
TAGANROG_PAIRS_2022 = [
    ("МОБУ лицей № 7", "МОБУ СОШ № 6"),
    ("МОБУ лицей № 7", "МОБУ СОШ № 34"),
    ("МОБУ СОШ № 36", "МАОУ СОШ № 12"),
    ("МОБУ СОШ № 35", "МОБУ СОШ № 31"),
    ("МОБУ СОШ № 8 им. А.Г. Ломакина", "МОБУ СОШ № 16"),
    ("МОБУ СОШ № 38", "МОБУ СОШ № 20"),
    ("МОБУ СОШ № 38", "МАОУ СОШ № 39"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    description: str
    organisation: str | None = None
    role: str | None = None
    person: str | None = None


DEMO_USERS = [
    DemoUser("admin", "администратор портала (все данные, админка)"),
    DemoUser(
        "uo",
        "специалист Управления образования г. Таганрога",
        TAGANROG_DEPARTMENT,
        Membership.Role.STAFF,
        "Яковенко Т.К.",
    ),
    DemoUser(
        "coordinator",
        "Баркалова Е.В., муниципальный координатор г. Таганрога",
        TAGANROG_DEPARTMENT,
        Membership.Role.COORDINATOR,
        "Баркалова Е.В.",
    ),
    DemoUser(
        "principal",
        "директор МОБУ СОШ № 6 (Таганрог, курируемая школа)",
        "МОБУ СОШ № 6",
        Membership.Role.PRINCIPAL,
        "Муразян О.В.",
    ),
    DemoUser(
        "mentor",
        "директор МОБУ лицей № 7 (Таганрог, школа-наставник)",
        "МОБУ лицей № 7",
        Membership.Role.MENTOR,
        "Земляненко Н.В.",
    ),
    DemoUser(
        "region",
        "наблюдатель Министерства образования Ростовской области (весь регион, только чтение)",
        ROSTOV_MINISTRY,
        Membership.Role.REGIONAL_VIEWER,
    ),
    DemoUser(
        "region_staff",
        "специалист Министерства образования Ростовской области (ведёт муниципалитеты региона и их специалистов)",
        ROSTOV_MINISTRY,
        Membership.Role.REGION_STAFF,
    ),
    DemoUser(
        "uo_kozelsk",
        "специалист Отдела образования Козельского района (чужой муниципалитет)",
        KOZELSK_DEPARTMENT,
        Membership.Role.STAFF,
        "Митина Е.П.",
    ),
]


def seed_files() -> list[Path]:
    return sorted(SEED_DIR.glob("*.json"))


def load_seed_roadmaps() -> list[tuple[Roadmap, bool]]:
    results = []
    for path in seed_files():
        data = json.loads(path.read_text(encoding="utf-8"))
        results.append(roadmap_load(data=data))
    return results


@transaction.atomic
def create_demo_users() -> list[str]:
    """Create the demo users and their links; return the usernames created now."""
    User = get_user_model()
    created = []
    # The regional body of the Таганрог roadmap's region; no seed document names it.
    Organisation.objects.get_or_create(
        name=ROSTOV_MINISTRY,
        defaults={
            "region": Organisation.objects.get(name=TAGANROG_DEPARTMENT).region,
            "kind": Organisation.Kind.DEPARTMENT,
            "short_name": "Минобразование Ростовской области",
        },
    )
    for demo in DEMO_USERS:
        user, was_created = User.objects.get_or_create(
            username=demo.username, defaults={"email": f"{demo.username}@example.org"}
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            if demo.username == "admin":
                user.is_staff = user.is_superuser = True
            created.append(demo.username)
        if demo.organisation is None:
            user.save()
            continue
        organisation = Organisation.objects.get(name=demo.organisation)
        Membership.objects.get_or_create(user=user, organisation=organisation, role=demo.role)
        person = Person.objects.filter(
            full_name=demo.person, organisation__municipality=organisation.municipality
        ).first()
        if person is not None:
            if person.user_id is None:
                person.user = user
                person.email = user.email
                person.save(update_fields=["user", "email"])
            surname, _, initials = person.full_name.partition(" ")
            user.last_name, user.first_name = surname, initials
        user.save()

    _link_taganrog()
    return created


def load_demo_school_roadmap(today: date) -> tuple[Roadmap, bool]:
    """A school roadmap of МОБУ СОШ № 6 for the current academic year, with a few marks,
    so that the principal, the coordinator and the mentor have something to do today.

    Its deadlines name months without years, so they fall in whatever year it is now.
    """
    data = json.loads(DEMO_SCHOOL_ROADMAP.read_text(encoding="utf-8"))
    start, end = academic_year_bounds(academic_year_of(today))
    data["period_start"] = start.isoformat()
    data["period_end"] = end.isoformat()
    roadmap, created = roadmap_load(data=data)
    if created:
        _demo_marks(roadmap, today)
    _link_current_year(roadmap)
    return roadmap, created


def _link_current_year(roadmap: Roadmap) -> None:
    """The coordinator and the mentor school watch МОБУ СОШ № 6 in this academic year too:
    who watches a school is decided per academic year."""
    department = Organisation.objects.get(name=TAGANROG_DEPARTMENT)
    schools = {o.name: o for o in Organisation.objects.schools().filter(municipality=department.municipality)}
    year = roadmap.academic_year
    school = schools["МОБУ СОШ № 6"]
    MentorPair.objects.get_or_create(mentor=schools["МОБУ лицей № 7"], mentee=school, academic_year=year)
    coordinator = Person.objects.get(full_name="Баркалова Е.В.", organisation=department)
    CoordinatorAssignment.objects.get_or_create(coordinator=coordinator, school=school, academic_year=year)


def _demo_marks(roadmap: Roadmap, today: date) -> None:
    User = get_user_model()
    principal = User.objects.get(username="principal")
    coordinator = User.objects.get(username="coordinator")
    school = Organisation.objects.get(name="МОБУ СОШ № 6", municipality=roadmap.owner.municipality)
    past = (
        DeadlineWindow.objects.filter(activity__roadmap=roadmap, end__lt=today)
        .select_related("activity")
        .order_by("end")
    )
    for index, window in enumerate(past[:3]):
        executor = window.activity.executors.get(organisation=school, person__isnull=True)
        mark = CompletionMark.objects.create(
            executor=executor,
            window=window,
            status=CompletionMark.Status.DONE,
            completed_on=window.end,
            comment="Выполнено по плану.",
            marked_by=principal,
        )
        if index == 0:
            mark.review = CompletionMark.Review.ACCEPTED
            mark.reviewed_by = coordinator
            mark.reviewed_at = timezone.now()
            mark.save()
        elif index == 1:
            mark.review = CompletionMark.Review.RETURNED
            mark.review_comment = "Приложите справку или ссылку на страницу сайта школы."
            mark.reviewed_by = coordinator
            mark.reviewed_at = timezone.now()
            mark.save()


def _link_taganrog() -> None:
    department = Organisation.objects.get(name=TAGANROG_DEPARTMENT)
    roadmap = Roadmap.objects.get(source_key="002_taganrog")
    year = roadmap.academic_year
    schools = {o.name: o for o in Organisation.objects.schools().filter(municipality=department.municipality)}
    for mentor, mentee in TAGANROG_PAIRS_2022:
        MentorPair.objects.get_or_create(mentor=schools[mentor], mentee=schools[mentee], academic_year=year)
    coordinator = Person.objects.get(full_name="Баркалова Е.В.", organisation=department)
    for link in roadmap.school_links.filter(role="supervised"):
        CoordinatorAssignment.objects.get_or_create(
            coordinator=coordinator, school=link.school, academic_year=year
        )
