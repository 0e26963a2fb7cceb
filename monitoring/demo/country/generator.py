"""The generator: the rows of a municipality, its schools and roadmaps, held in memory until
the chunk is written. One ``random.Random(seed)`` makes every choice: a seed gives the same data."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import models

from monitoring.demo.country.names import (
    INDICATORS,
    INITIALS,
    MARK_COMMENTS,
    MUNICIPAL_TITLES,
    REGIONS,
    RETURN_COMMENTS,
    SCHOOL_FORMS,
    SCHOOL_TYPES,
    SECTION_TITLES,
    SURNAMES,
    VILLAGES,
    female,
    genitive_adjective,
)
from monitoring.demo.country.pool import SEED_FILES, PoolRow, seed_pool, shift_years
from monitoring.demo.country.writer import COLUMNS, Table, first_ids
from monitoring.models import ActivityRiskFactor, IndicatorValue, RiskFactor
from roadmaps.deadlines import parse_deadline
from roadmaps.models import (
    Activity,
    CompletionMark,
    DeadlineWindow,
    Executor,
    Roadmap,
    RoadmapSchool,
    Section,
    TargetIndicator,
)
from schools.models import (
    CoordinatorAssignment,
    Membership,
    MentorPair,
    Municipality,
    Organisation,
    Person,
    Region,
    SchoolStatus,
    academic_year_of,
)

KEY_PREFIX = "gen:"  # Roadmap.source_key of every generated roadmap: how a second run knows
MUNICIPAL_YEARS = 4  # the current academic year and the three before it
DEMO_PASSWORD = "demo-2026"
Status = CompletionMark.Status


def school_roles(schools: int) -> tuple[int, int, int]:
    """How many of a municipality's schools are supervised (ШНОР), mentors, and also ШНСУ."""
    supervised = max(1, round(schools * 0.3)) if schools else 0
    mentors = max(1, round(schools * 0.15)) if schools >= 2 else 0
    supervised = min(supervised, schools - mentors)
    return supervised, mentors, (supervised + 1) // 3


@dataclass
class School:
    id: int
    name: str
    kind: str  # СОШ, ООШ, лицей, гимназия
    role: str  # supervised, mentor, other
    director: int = 0
    director_name: str = ""
    user: int = 0
    mentor: School | None = None
    strength: float = 0.0  # drives results and risks: supervised schools are weaker
    pupils: int = 0
    risks: list[int] = field(default_factory=list)  # factors at a high or medium level


@dataclass
class Place:
    """A municipality being generated: the ids and names its rows refer to."""

    index: int
    department: int = 0
    department_genitive: str = ""  # «Отдела образования администрации Азовского района»
    centre: int = 0
    head: int = 0
    head_name: str = ""
    spec: int = 0
    spec_name: str = ""
    coordinator: int = 0
    coordinator_name: str = ""
    staff_user: int = 0
    coordinator_user: int = 0
    schools: list[School] = field(default_factory=list)

    @property
    def supervised(self) -> list[School]:
        return [s for s in self.schools if s.role == "supervised"]

    @property
    def mentors(self) -> list[School]:
        return [s for s in self.schools if s.role == "mentor"]


class Generator:
    def __init__(self, *, seed: int, today: date, activities: int, method: str) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.year = academic_year_of(today)
        self.activities = activities
        self.method = method
        self.stamp = datetime.combine(today, datetime.min.time(), tzinfo=UTC) + timedelta(hours=6)
        firsts = first_ids()
        self.tables = {model: Table(model, columns, firsts[model]) for model, columns in COLUMNS.items()}
        self.factors = list(RiskFactor.objects.order_by("order", "code").values_list("pk", flat=True))
        self.password = make_password(DEMO_PASSWORD)  # hashed once: every generated user shares it
        self.pools = dict(zip(("municipal", "school"), seed_pool(self.year), strict=True))
        self.deadlines: dict[tuple[str, int, int], tuple[str, tuple]] = {}
        seeds = [json.loads(p.read_text(encoding="utf-8")) for p in SEED_FILES]
        self.headers = [d for d in seeds if d.get("goal")] or seeds  # goal, tasks and columns to reuse

    def add(self, model: type[models.Model], *values) -> int:
        return self.tables[model].add(*values)

    def flush(self) -> None:
        for table in self.tables.values():  # COLUMNS lists parents before children
            table.flush(self.method)

    def datetime(self, day: date, hours: float) -> datetime:
        return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=hours)

    # -- regions, municipalities, schools, people

    def regions(self, count: int) -> list[tuple[int, str, str]]:
        """(id, name, time zone) of each region; a region whose name is already there is reused."""
        existing = dict(Region.objects.values_list("name", "pk"))
        regions = []
        for i in range(count):
            code, name, tz = (
                REGIONS[i] if i < len(REGIONS) else (f"{i + 1}", f"Регион {i + 1:03d}", "Europe/Moscow")
            )
            regions.append((existing.get(name) or self.add(Region, name, code), name, tz))
        return regions

    def regional_viewers(self, regions: list[tuple[int, str, str]]) -> None:
        """A viewer and a region staff user per region, members of its regional body (the existing
        one where there is one)."""
        bodies = dict(
            Organisation.objects.filter(
                region__in=[pk for pk, _, _ in regions], municipality=None, kind=Organisation.Kind.DEPARTMENT
            ).values_list("region", "pk")
        )
        for index, (pk, name, _tz) in enumerate(regions):
            if pk not in bodies:
                body_name = f"Министерство образования: {name}"
                bodies[pk] = self.add(Organisation, pk, None, Organisation.Kind.DEPARTMENT, body_name, "")
            user = self.user(f"gen-r{index + 1:03d}-viewer", "", "")
            self.add(Membership, user, bodies[pk], Membership.Role.REGIONAL_VIEWER)
            user = self.user(f"gen-r{index + 1:03d}-staff", "", "")
            self.add(Membership, user, bodies[pk], Membership.Role.REGION_STAFF)

    def user(self, username: str, last_name: str, first_name: str) -> int:
        email = f"{username}@example.org"
        return self.add(
            get_user_model(), self.password, username, first_name, last_name, email, False, True, self.stamp
        )

    def person_name(self, taken: set[str]) -> tuple[str, str, str]:
        """«Иванова Е.В.», with the surname and initials for the user's names."""
        while True:
            surname = self.rng.choice(SURNAMES)
            if self.rng.random() < 0.7:  # most teachers and officials are women
                surname = female(surname)
            initials = f"{self.rng.choice(INITIALS)}.{self.rng.choice(INITIALS)}."
            if f"{surname} {initials}" not in taken:
                taken.add(f"{surname} {initials}")
                return f"{surname} {initials}", surname, initials

    def place(self, index: int, region: int, tz: str, name: str, city: bool, schools: int) -> Place:
        place = Place(index=index)
        municipality = self.add(Municipality, region, name, tz)
        if city:
            department = f"Управление образования администрации {name}"
            place.department_genitive = f"Управления образования администрации {name}"
        else:
            adjective, _, kind = name.partition(" ")
            tail = "района" if kind == "район" else "муниципального округа"
            department = f"Отдел образования администрации {genitive_adjective(adjective)} {tail}"
            place.department_genitive = (
                f"Отдела образования администрации {genitive_adjective(adjective)} {tail}"
            )
        department_kind, centre_kind = Organisation.Kind.DEPARTMENT, Organisation.Kind.METHODOLOGICAL
        place.department = self.add(
            Organisation, region, municipality, department_kind, department, f"УО {name}"
        )
        place.centre = self.add(
            Organisation, region, municipality, centre_kind, "МБОУ ДПО «Методический центр»", "МБОУ ДПО МЦ"
        )
        self.department_people(place)
        self.schools(place, region, municipality, city, schools)
        return place

    def department_people(self, place: Place) -> None:
        login = f"gen-m{place.index + 1:05d}"
        taken: set[str] = set()
        place.head_name, *_ = self.person_name(taken)
        place.spec_name, surname, initials = self.person_name(taken)
        place.staff_user = self.user(f"{login}-uo", surname, initials)
        place.coordinator_name, surname, initials = self.person_name(taken)
        place.coordinator_user = self.user(f"{login}-coordinator", surname, initials)
        department = place.department
        place.head = self.add(
            Person, place.head_name, f"начальник {place.department_genitive}", department, True, "", None
        )
        place.spec = self.add(
            Person, place.spec_name, "ведущий специалист", department, False, f"{login}-uo@example.org",
            place.staff_user,
        )  # fmt: skip
        place.coordinator = self.add(
            Person, place.coordinator_name, "главный специалист, муниципальный координатор", department, False,
            f"{login}-coordinator@example.org", place.coordinator_user,
        )  # fmt: skip
        self.add(Membership, place.staff_user, department, Membership.Role.STAFF)
        self.add(Membership, place.coordinator_user, department, Membership.Role.COORDINATOR)

    def schools(self, place: Place, region: int, municipality: int, city: bool, count: int) -> None:
        rng = self.rng
        form = rng.choice(SCHOOL_FORMS)  # a municipality mostly has one legal form
        numbers = rng.sample(range(1, max(40, 3 * count)), count)
        villages = rng.sample(VILLAGES, min(len(VILLAGES), count))
        supervised, mentors, _ = school_roles(count)
        roles = (
            ["supervised"] * supervised + ["mentor"] * mentors + ["other"] * (count - supervised - mentors)
        )
        rng.shuffle(roles)
        for i, role in enumerate(roles):
            kind = rng.choices([k for k, _ in SCHOOL_TYPES], [w for _, w in SCHOOL_TYPES])[0]
            if role == "mentor" and kind == "ООШ":
                kind = "СОШ"
            legal = form if rng.random() < 0.85 else rng.choice(SCHOOL_FORMS)
            if not city and i < len(villages) and rng.random() < 0.5:
                name = f"{legal} {kind} с. {villages[i]}"
            else:
                name = f"{legal} {kind} № {numbers[i]}"
            school = School(
                self.add(Organisation, region, municipality, Organisation.Kind.SCHOOL, name, ""),
                name,
                kind,
                role,
            )
            school.strength = rng.gauss({"supervised": -1.0, "mentor": 0.8}.get(role, 0.0), 0.5)
            school.pupils = int(
                rng.uniform(*((300, 1100) if city else (60, 450))) * (0.5 if kind == "ООШ" else 1)
            )
            school.director_name, surname, initials = self.person_name(set())
            login = f"gen-s{school.id}"
            school.user = self.user(login, surname, initials)
            school.director = self.add(
                Person, school.director_name, "директор", school.id, True, f"{login}@example.org", school.user
            )
            member = Membership.Role.MENTOR if role == "mentor" else Membership.Role.PRINCIPAL
            self.add(Membership, school.user, school.id, member)
            place.schools.append(school)
        for i, school in enumerate(place.supervised):
            school.mentor = place.mentors[i % len(place.mentors)] if place.mentors else None

    def statuses(self, place: Place) -> None:
        """Statuses, mentor pairs and the coordinator's schools, the same in each year."""
        unfavourable = place.supervised[: school_roles(len(place.schools))[2]]
        for year in range(self.year - MUNICIPAL_YEARS + 1, self.year + 1):
            for school in place.supervised:
                self.add(SchoolStatus, school.id, year, SchoolStatus.Kind.LOW_RESULTS)
                if school.mentor:
                    self.add(MentorPair, school.mentor.id, school.id, year)
                self.add(CoordinatorAssignment, place.coordinator, school.id, year)
            for school in unfavourable:
                self.add(SchoolStatus, school.id, year, SchoolStatus.Kind.UNFAVOURABLE)
            for school in place.mentors:
                self.add(SchoolStatus, school.id, year, SchoolStatus.Kind.MENTOR)

    # -- roadmaps

    def roadmap(self, place: Place, year: int, school: School | None = None) -> None:
        """The municipal roadmap of ``year``, or the school's own roadmap when a school is given."""
        rng = self.rng
        header = rng.choice(self.headers)
        order_day = date(year, 8, 20) + timedelta(days=rng.randrange(40))
        number = str(rng.randint(1, 450))
        created = self.datetime(min(order_day, self.today), 7)
        if school is None:
            level, owner, key = (
                Roadmap.Level.MUNICIPAL,
                place.department,
                f"{KEY_PREFIX}m{place.index + 1}:{year}",
            )
            title = rng.choice(MUNICIPAL_TITLES).format(y=year, y1=year + 1)
            status = Roadmap.Status.APPROVED if year == self.year else Roadmap.Status.ARCHIVED
            approval = f"Приложение к приказу {place.department_genitive} от {order_day:%d.%m.%Y} № {number}"
            approved_by = f"{place.head_name}, начальник {place.department_genitive}"
        else:
            level, owner, key = Roadmap.Level.SCHOOL, school.id, f"{KEY_PREFIX}s{school.id}:{year}"
            kind = (
                "Антирисковая программа"
                if school.role == "supervised"
                else "Дорожная карта повышения качества образования"
            )
            title = f"{kind} {school.name} на {year}/{year + 1} учебный год"
            status = Roadmap.Status.APPROVED if rng.random() < 0.95 else Roadmap.Status.DRAFT
            approval = f"Приложение к приказу {school.name} от {order_day:%d.%m.%Y} № {number}-о"
            approved_by = f"{school.director_name}, директор"
        roadmap = self.add(
            Roadmap, owner, level, title, date(year, 9, 1), date(year + 1, 8, 31), status,
            Roadmap.ApprovalKind.ORDER, number, order_day, approved_by, approval, header.get("goal", ""),
            "\n".join(header.get("tasks", [])), json.dumps(header.get("columns", []), ensure_ascii=False), key,
            created, created,
        )  # fmt: skip
        if school is None:
            for s in place.supervised + place.mentors:
                role = RoadmapSchool.Role.SUPERVISED if s.role == "supervised" else RoadmapSchool.Role.MENTOR
                self.add(RoadmapSchool, roadmap, s.id, role)
            self.indicators(roadmap, place, year)
        else:
            role = (
                RoadmapSchool.Role.SUPERVISED
                if school.role == "supervised"
                else RoadmapSchool.Role.PARTICIPANT
            )
            self.add(RoadmapSchool, roadmap, school.id, role)
        self.sections(roadmap, level, place, school, year, created)

    def indicators(self, roadmap: int, place: Place, year: int) -> None:
        """The target indicators, with each supervised school's values at the half-years gone by."""
        for order, (name, unit, baseline, target, higher) in enumerate(INDICATORS):
            indicator = self.add(
                TargetIndicator, roadmap, order, name, unit, str(baseline), str(target), date(year + 1, 8, 31),
                Decimal(baseline), Decimal(target), higher,
            )  # fmt: skip
            for as_of in (date(year, 12, 31), date(year + 1, 5, 31)):
                if as_of > self.today:
                    continue
                progress = (as_of.year - year) * 0.5 + 0.3
                for school in place.supervised:
                    value = baseline + (target - baseline) * progress * self.rng.uniform(0.3, 1.2)
                    value = Decimal(f"{min(100.0, max(0.0, value)):.2f}")
                    self.add(IndicatorValue, indicator, school.id, as_of, value, self.stamp)

    def sections(
        self, roadmap: int, level: str, place: Place, school: School | None, year: int, created
    ) -> None:
        """3–9 sections, the activities split among them in runs of random length."""
        rng, count = self.rng, self.activities
        sections = rng.randint(3, 9)
        titles = rng.sample(SECTION_TITLES[level], sections)
        if count >= sections:
            cuts = sorted(rng.sample(range(1, count), sections - 1))
        else:  # fewer rows than sections: the last sections stay empty
            cuts = [*range(1, count), *[count] * (sections - count)]
        bounds = [0, *cuts, count]
        rows = self.pick(level, count)
        for s in range(sections):
            section = self.add(Section, roadmap, Section.Kind.SECTION, s, str(s + 1), titles[s])
            for k in range(bounds[s], bounds[s + 1]):
                number = f"{s + 1}.{k - bounds[s] + 1}"
                self.activity(roadmap, section, number, k + 1, level, rows[k], place, school, year, created)

    def pick(self, level: str, count: int) -> list[int]:
        """``count`` rows of the pool, none twice in a roadmap unless it has more rows than the pool."""
        size, picked = len(self.pools[level]), []
        while len(picked) < count:
            picked += self.rng.sample(range(size), min(size, count - len(picked)))
        return picked

    def activity(
        self, roadmap, section, number, order, level, index, place: Place, school, year, created
    ) -> None:
        rng = self.rng
        row = self.pools[level][index]
        deadline, windows = self.deadline(level, index, year)
        if school is None:
            executors, responsible = self.municipal_executors(row, place)
        else:
            executors, responsible = self.school_executors(place, school)
        activity = self.add(
            Activity, roadmap, section, number, order, row.content, deadline, responsible, row.expected_result,
            not windows, created, created,
        )  # fmt: skip
        # A school's activities address its own high and medium risks; municipal ones any risk.
        factors = school.risks if school else self.factors
        if factors and rng.random() < (0.35 if school else 0.1):
            self.add(ActivityRiskFactor, activity, rng.choice(factors))
        markers = []
        for position, (kind, label, organisation, person, role, user) in enumerate(executors):
            executor = self.add(Executor, activity, kind, label, organisation, person, role, position)
            if organisation or person:  # a GROUP or a bare label cannot mark
                markers.append((executor, user))
        for start, end in windows:
            cancelled = rng.random() < 0.01
            window = self.add(DeadlineWindow, activity, start, end, cancelled)
            for executor, user in markers if not cancelled else ():
                self.mark(executor, window, start, end, user, place.coordinator_user)

    def deadline(self, level: str, index: int, year: int) -> tuple[str, tuple]:
        """The deadline text moved to ``year`` and its windows, parsed once per row and year."""
        key = (level, index, year)
        if key not in self.deadlines:
            text = shift_years(self.pools[level][index].deadline, year + self.pools[level][index].year_offset)
            parsed = parse_deadline(text, date(year, 9, 1), date(year + 1, 8, 31))
            self.deadlines[key] = (text, tuple((w.start, w.end) for w in parsed.windows))
        return self.deadlines[key]

    def municipal_executors(self, row: PoolRow, place: Place) -> tuple[list[tuple], str]:
        """Executors as the seed's responsible cell reads, and the cell with generated names."""
        executors, names, seen = [], [], set()
        mentor = self.rng.choice(place.mentors) if place.mentors else None
        department = place.department

        def add(kind, label, organisation=None, person=None, role="", user=None):
            identity = (
                ("person", person) if person else ("org", organisation) if organisation else ("label", label)
            )
            if identity not in seen:
                seen.add(identity)
                executors.append((kind, label, organisation, person, role, user))

        for slot in row.slots:
            if slot == "dept":
                add(Executor.Kind.ORGANISATION, "Управление образования", department, user=place.staff_user)
            elif slot == "mc":
                add(Executor.Kind.ORGANISATION, "МБОУ ДПО МЦ", place.centre)
            elif slot in ("sup", "mentors"):
                label, schools = (
                    ("Руководители ОО", place.supervised)
                    if slot == "sup"
                    else ("Школы-наставники", place.mentors)
                )
                for s in schools:
                    add(Executor.Kind.SCHOOL, label, s.id, user=s.user)
            elif slot == "coord":
                names.append(f"{place.coordinator_name}, муниципальный координатор")
                add(Executor.Kind.PERSON, names[-1], department, place.coordinator, "муниципальный координатор",
                    place.coordinator_user)  # fmt: skip
            elif slot == "head":
                names.append(f"{place.head_name}, начальник {place.department_genitive}")
                add(Executor.Kind.PERSON, names[-1], department, place.head, "начальник")
            elif slot == "spec":
                names.append(f"{place.spec_name}, ведущий специалист {place.department_genitive}")
                add(
                    Executor.Kind.PERSON,
                    names[-1],
                    department,
                    place.spec,
                    "ведущий специалист",
                    place.staff_user,
                )
            elif slot == "mentor_director" and mentor:
                names.append(f"{mentor.director_name}, директор {mentor.name}")
                add(Executor.Kind.PERSON, names[-1], mentor.id, mentor.director, "директор", mentor.user)
            elif slot.startswith("role:"):
                add(Executor.Kind.ROLE, slot[5:], department, role=slot[5:])
            elif slot.startswith("label:"):  # РМО, «Координационный совет»: named, cannot mark
                add(Executor.Kind.ORGANISATION, slot[6:])
        return executors, row.responsible or ", ".join(names)

    def school_executors(self, place: Place, school: School) -> tuple[list[tuple], str]:
        """Who acts in a school's own roadmap: mostly the school, at times with its mentor or the МЦ."""
        own = (Executor.Kind.SCHOOL, "Руководитель ОО", school.id, None, "", school.user)
        r = self.rng.random()
        if r < 0.45:
            return [own], "Руководитель ОО"
        if r < 0.60:
            role = "Заместитель директора по УВР"
            return [(Executor.Kind.ROLE, role, school.id, None, role.lower(), school.user)], role
        if r < 0.75:
            text = f"{school.director_name}, директор"
            return [(Executor.Kind.PERSON, text, school.id, school.director, "директор", school.user)], text
        if r < 0.85 and school.mentor:
            mentor = school.mentor
            text = f"{mentor.director_name}, директор {mentor.name}"
            executors = [
                own,
                (Executor.Kind.PERSON, text, mentor.id, mentor.director, "директор", mentor.user),
            ]
            return executors, f"Руководитель ОО, {text}"
        if r < 0.92:
            centre = (Executor.Kind.ORGANISATION, "МБОУ ДПО МЦ", place.centre, None, "", None)
            return [own, centre], "Руководитель ОО, МБОУ ДПО МЦ"
        return [
            (Executor.Kind.ROLE, "Руководители ШМО", None, None, "руководители ШМО", None)
        ], "Руководители ШМО"

    def mark(self, executor: int, window: int, start: date | None, end: date, user, reviewer) -> None:
        """A mark as of today, or none. Past windows: 62 % done on time, 12 % late (when that day
        has come), 6 % not done, 5 % in progress, the rest overdue without a mark. Open windows:
        15 % done early, 30 % in progress. Future ones: 3 % in progress. Done marks: 72 % accepted,
        8 % returned, the rest waiting for the coordinator."""
        rng, today = self.rng, self.today
        r = rng.random()
        status = completed = None
        if end < today:
            if r < 0.62:
                status = Status.DONE
                completed = max(end - timedelta(days=rng.randrange(15)), start or date.min)
            elif r < 0.74:
                completed = end + timedelta(days=rng.randint(1, 40))
                status = Status.DONE if completed <= today else None
            elif r < 0.80:
                status = Status.NOT_DONE
            elif r < 0.85:
                status = Status.IN_PROGRESS
        elif start is not None and start > today:
            status = Status.IN_PROGRESS if r < 0.03 else None
        elif r < 0.15:
            first = start or end - timedelta(days=30)
            status = Status.DONE
            completed = min(first + timedelta(days=rng.randrange(max(1, (today - first).days + 1))), today)
        elif r < 0.45:
            status = Status.IN_PROGRESS
        if status is None:
            return
        if status != Status.DONE:
            completed = None
        marked_at = self.datetime(completed or min(today, end), rng.uniform(6, 15))
        review, reviewed_at, reviewed_by, review_comment = CompletionMark.Review.PENDING, None, None, ""
        r = rng.random()
        if status == Status.DONE and r < 0.8:
            review = CompletionMark.Review.ACCEPTED if r < 0.72 else CompletionMark.Review.RETURNED
            reviewed_at = min(marked_at + timedelta(days=rng.randint(1, 7)), self.stamp)
            reviewed_by = reviewer
            review_comment = rng.choice(RETURN_COMMENTS) if review == CompletionMark.Review.RETURNED else ""
        comment = rng.choice(MARK_COMMENTS) if rng.random() < 0.3 else ""
        self.add(
            CompletionMark, executor, window, status, completed, comment, user, marked_at, review, reviewed_by,
            reviewed_at, review_comment,
        )  # fmt: skip
