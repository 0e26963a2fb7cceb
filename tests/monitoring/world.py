"""Test data of the reminder tests: a small municipality of their own."""

from __future__ import annotations

import uuid


class World:
    """A small municipality of its own: a department, two supervised schools with their
    principals, a coordinator and an approved roadmap to hang windows on."""

    def __init__(self, tz: str = "Europe/Moscow") -> None:
        from django.contrib.auth import get_user_model

        from roadmaps.models import Roadmap
        from schools.models import (
            CoordinatorAssignment,
            Membership,
            Municipality,
            Organisation,
            Person,
            Region,
        )

        User = get_user_model()
        tag = uuid.uuid4().hex[:6]
        region = Region.objects.create(name=f"Тестовая область {tag}")
        self.municipality = Municipality.objects.create(region=region, name=f"г. Тестовск {tag}", timezone=tz)
        org = dict(region=region, municipality=self.municipality)
        self.department = Organisation.objects.create(
            kind=Organisation.Kind.DEPARTMENT, name="Управление образования г. Тестовска", **org
        )
        self.school = Organisation.objects.create(name="МОБУ СОШ № 101", short_name="СОШ № 101", **org)
        self.school2 = Organisation.objects.create(name="МОБУ СОШ № 102", short_name="СОШ № 102", **org)

        def user(name: str, last_name: str, organisation, role):
            u = User.objects.create_user(
                f"{name}-{tag}", f"{name}-{tag}@example.org", "x", last_name=last_name, first_name="А.А."
            )
            Membership.objects.create(user=u, organisation=organisation, role=role)
            return u

        self.principal = user("principal", "Директорова", self.school, Membership.Role.PRINCIPAL)
        self.principal2 = user("principal2", "Завучева", self.school2, Membership.Role.PRINCIPAL)
        self.staff = user("staff", "Специалистова", self.department, Membership.Role.STAFF)
        self.coordinator = user("coordinator", "Координаторова", self.department, Membership.Role.COORDINATOR)
        person = Person.objects.create(
            full_name="Координаторова А.А.", organisation=self.department, user=self.coordinator
        )
        self.roadmap = Roadmap.objects.create(
            owner=self.department,
            title="Дорожная карта г. Тестовска",
            period_start="2025-09-01",
            period_end="2026-08-31",
            status=Roadmap.Status.APPROVED,
        )
        for school in (self.school, self.school2):
            CoordinatorAssignment.objects.create(coordinator=person, school=school, academic_year=2025)
        self._order = 0

    def window(self, end, *, start=None, schools=None, content="Провести педагогический совет"):
        """An activity with one window ending on ``end``; its executors are the schools."""
        from roadmaps.models import Activity, DeadlineWindow, Executor

        self._order += 1
        activity = Activity.objects.create(
            roadmap=self.roadmap, number=f"{self._order}.", order=self._order, content=content
        )
        window = DeadlineWindow.objects.create(activity=activity, start=start, end=end)
        for school in schools if schools is not None else [self.school]:
            Executor.objects.create(
                activity=activity, kind=Executor.Kind.SCHOOL, label="Руководители ОУ", organisation=school
            )
        return window
