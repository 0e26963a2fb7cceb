"""Every monitoring getter and rule, on the floor of what it guards. Regions, municipalities and
schools themselves are guarded below, in ``schools.permissions``; roadmaps in
``roadmaps.permissions``; what is here follows them:

- data about a school (results, profile, risk levels): whoever sees the school reads it; the
  department staff of its municipality and its principal change it;
- target indicator values: department staff of the roadmap's municipality for any school, a
  principal for their own school, the roadmap's editors for the roadmap as a whole;
- a notification: only its recipient;
- a calendar feed and a public page: whoever holds the secret token, while it is live.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from monitoring.models import (
    CalendarFeed,
    ExamResult,
    IndicatorValue,
    Notification,
    OlympiadResult,
    PublicPage,
)
from roadmaps.models import Roadmap, TargetIndicator
from roadmaps.permissions import can_edit_roadmap
from schools.models import Municipality, Organisation
from schools.permissions import get_school_for_user, scope_of, visible_schools


def can_edit_school_data(user, school: Organisation) -> bool:
    scope = scope_of(user)
    if scope.is_superuser:
        return True
    return school.municipality_id in scope.staff_municipalities or school.pk in scope.principal_schools


def can_edit_municipality_data(user, municipality: Municipality) -> bool:
    scope = scope_of(user)
    return scope.is_superuser or municipality.pk in scope.staff_municipalities


def get_school_data_for_user(user, pk: int, write: bool = False) -> Organisation:
    """The school whose results, profile or risks are asked for: 404 unseen, 403 read-only."""
    school = get_school_for_user(user, pk)
    if write and not can_edit_school_data(user, school):
        raise PermissionDenied("Изменять сведения о школе могут управление образования и директор школы.")
    return school


# --- Target indicators --------------------------------------------------------------------


def can_enter_indicator_value(user, roadmap: Roadmap, school: Organisation | None) -> bool:
    scope = scope_of(user)
    if scope.is_superuser or roadmap.owner.municipality_id in scope.staff_municipalities:
        return True
    if school is None:
        return can_edit_roadmap(user, roadmap)
    return school.pk in scope.principal_schools


def get_indicator_for_user(user, pk: int, write: bool = False) -> TargetIndicator:
    indicator = get_object_or_404(
        TargetIndicator.objects.filter(roadmap__in=Roadmap.objects.visible_to(user)).select_related(
            "roadmap__owner__municipality"
        ),
        pk=pk,
    )
    if write and not can_edit_roadmap(user, indicator.roadmap):
        raise PermissionDenied("Базовое и целевое значения меняют владельцы дорожной карты.")
    return indicator


def get_indicator_value_for_user(user, pk: int, write: bool = False) -> IndicatorValue:
    value = get_object_or_404(
        IndicatorValue.objects.filter(indicator__roadmap__in=Roadmap.objects.visible_to(user)).select_related(
            "indicator__roadmap__owner", "school"
        ),
        pk=pk,
    )
    if write and not can_enter_indicator_value(user, value.indicator.roadmap, value.school):
        raise PermissionDenied("Это значение может изменить управление образования или директор школы.")
    return value


# --- School results -------------------------------------------------------------------------


def get_exam_result_for_user(user, pk: int) -> ExamResult:
    """A result to correct or delete: 404 unseen, 403 when the user may not change the school's data."""
    result = get_object_or_404(
        ExamResult.objects.filter(school__in=visible_schools(user)).select_related("school"), pk=pk
    )
    if not can_edit_school_data(user, result.school):
        raise PermissionDenied("Результаты школы меняют управление образования и директор школы.")
    return result


def get_olympiad_result_for_user(user, pk: int) -> OlympiadResult:
    result = get_object_or_404(
        OlympiadResult.objects.filter(school__in=visible_schools(user)).select_related("school"), pk=pk
    )
    if not can_edit_school_data(user, result.school):
        raise PermissionDenied("Результаты школы меняют управление образования и директор школы.")
    return result


# --- Notifications, calendar feeds, public pages --------------------------------------------


def get_notification_for_user(user, pk: int) -> Notification:
    # Somebody else's notification is a 404: nobody learns that it exists.
    return get_object_or_404(Notification.objects.for_user(user), pk=pk)


def get_live_feed(token: str) -> CalendarFeed:
    return get_object_or_404(
        CalendarFeed.objects.select_related("user"),
        token=token,
        revoked_at__isnull=True,
        user__is_active=True,
    )


def get_public_page(token: str) -> PublicPage:
    """A published page by its token; a page switched off, unknown or of a draft answers 404."""
    return get_object_or_404(
        PublicPage.objects.select_related("roadmap__owner__municipality").exclude(
            roadmap__status=Roadmap.Status.DRAFT
        ),
        token=token,
        is_enabled=True,
    )
