"""Who may see and change roadmaps and what hangs from them. Every roadmap, section, activity,
executor, mark and evidence reaches a view through a scoped getter here; regions,
municipalities and schools through ``schools.permissions``, whose roles (``scope_of``) these
rules read.

- Not visible: 404, so an outsider cannot even learn that an object exists.
- Visible but not changeable by this user: ``PermissionDenied`` (403).

Rules:
- department staff read and edit every roadmap of their municipality;
- a coordinator reads every roadmap of their municipality and accepts or returns the
  marks of the schools assigned to them;
- a principal reads the roadmaps their school takes part in, edits the school's own
  roadmap and marks the activities where the school (or they by name) must act;
- a mentor school reads the roadmaps of the schools it mentors and comments on them;
- a regional viewer reads the whole region.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from roadmaps.models import Activity, CompletionMark, Evidence, Executor, Roadmap, Section
from schools.models import Organisation
from schools.permissions import scope_of


def can_edit_roadmap(user, roadmap: Roadmap) -> bool:
    scope = scope_of(user)
    if scope.is_superuser:
        return True
    if roadmap.owner.municipality_id in scope.staff_municipalities:
        return True
    return roadmap.owner_id in scope.principal_schools


def can_decide(user, roadmap: Roadmap) -> bool:
    """Approve, revise by order, archive, send back to draft: the owner only — the department's
    staff for its roadmap, the principal for the school's own."""
    scope = scope_of(user)
    if scope.is_superuser:
        return True
    return roadmap.owner_id in scope.staff_organisations or roadmap.owner_id in scope.principal_schools


def can_change_text(user, roadmap: Roadmap) -> bool:
    """Whether the page offers this user the editing of the roadmap's rows and header now."""
    return can_edit_roadmap(user, roadmap) and not roadmap.is_locked


def _check_write(user, roadmap: Roadmap, message: str) -> None:
    """Changing a roadmap's text: its editors, and only while it is not locked by its approval."""
    if not can_edit_roadmap(user, roadmap):
        raise PermissionDenied(message)
    if roadmap.is_locked:
        raise PermissionDenied(LOCKED)


LOCKED = (
    "Дорожная карта утверждена: её текст, сроки и школы меняются через «Внести изменения», "
    "а изменения закрываются приказом о внесении изменений."
)


def can_mark(user, executor: Executor) -> bool:
    """The school that must act marks its own part; a person named as executor marks theirs."""
    scope = scope_of(user)
    if scope.is_superuser:
        return True
    if executor.person_id and executor.person_id == scope.person_id:
        return True
    if executor.organisation_id and executor.organisation_id in scope.principal_schools:
        return True
    # The department marks what it must do itself («Управление образования», its roles).
    return executor.organisation_id in scope.staff_organisations


def can_review(user, mark: CompletionMark) -> bool:
    scope = scope_of(user)
    if scope.is_superuser:
        return True
    school = mark.executor.organisation_id
    if school in scope.assigned_schools:
        return True
    # Staff accept the marks of their municipality's non-school executors and any school.
    return mark.executor.activity.roadmap.owner.municipality_id in scope.staff_municipalities


def can_comment(user, activity: Activity) -> bool:
    scope = scope_of(user)
    if scope.is_superuser or activity.roadmap.owner.municipality_id in scope.municipalities:
        return True
    return bool(scope.mentor_schools or scope.principal_schools)


def editable_owners(user) -> QuerySet[Organisation]:
    """Organisations this user may create or import roadmaps for."""
    scope = scope_of(user)
    if scope.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=scope.staff_organisations | scope.principal_schools)


def get_roadmap_for_user(
    user, pk: int, write: bool = False, manage: bool = False, decide: bool = False
) -> Roadmap:
    """``write``: change its text (editors, not while locked); ``manage``: its editors' pages that
    change no text (the trash, kept marks); ``decide``: approval and revisions (the owner)."""
    roadmap = get_object_or_404(Roadmap.objects.visible_to(user).select_related("owner__municipality"), pk=pk)
    if write:
        _check_write(user, roadmap, "Изменять эту дорожную карту могут только её владельцы.")
    if manage and not can_edit_roadmap(user, roadmap):
        raise PermissionDenied("Это могут только те, кто ведёт дорожную карту.")
    if decide and not can_decide(user, roadmap):
        raise PermissionDenied(
            "Утверждает дорожную карту и вносит в неё изменения её владелец: управление образования "
            "для муниципальной, школа для своей."
        )
    return roadmap


def get_activity_for_user(user, pk: int, write: bool = False, manage: bool = False) -> Activity:
    """``write``: change its text (not while the roadmap is locked); ``manage``: what its editors
    keep beside the text (risk tags), at any time."""
    activity = get_object_or_404(
        Activity.objects.visible_to(user).select_related("roadmap__owner__municipality", "section", "parent"),
        pk=pk,
    )
    if manage and not can_edit_roadmap(user, activity.roadmap):
        raise PermissionDenied("Это могут только те, кто ведёт дорожную карту.")
    if write:
        _check_write(
            user, activity.roadmap, "Изменять текст мероприятия могут только владельцы дорожной карты."
        )
    return activity


def get_executor_for_user(user, pk: int, mark: bool = False) -> Executor:
    executor = get_object_or_404(
        Executor.objects.filter(activity__in=Activity.objects.visible_to(user)).select_related(
            "activity__roadmap__owner", "organisation", "person"
        ),
        pk=pk,
    )
    if mark and not can_mark(user, executor):
        raise PermissionDenied("Отмечать выполнение может только исполнитель.")
    return executor


def get_mark_for_user(user, pk: int, review: bool = False) -> CompletionMark:
    mark = get_object_or_404(
        CompletionMark.objects.filter(
            executor__activity__in=Activity.objects.visible_to(user)
        ).select_related("executor__activity__roadmap__owner", "executor__organisation", "window"),
        pk=pk,
    )
    if review and not can_review(user, mark):
        raise PermissionDenied("Принимать отметки может координатор школы или управление образования.")
    return mark


def get_evidence_for_user(user, pk: int) -> Evidence:
    return get_object_or_404(
        Evidence.objects.filter(
            mark__executor__activity__in=Activity.objects.visible_to(user)
        ).select_related("mark"),
        pk=pk,
    )


def get_section_for_user(user, pk: int, write: bool = False) -> Section:
    section = get_object_or_404(
        Section.objects.filter(roadmap__in=Roadmap.objects.visible_to(user)).select_related(
            "roadmap__owner__municipality"
        ),
        pk=pk,
    )
    if write:
        _check_write(user, section.roadmap, "Изменять разделы могут только владельцы дорожной карты.")
    return section
