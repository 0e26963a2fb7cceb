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

Each school sees its own part (``parts_read``): on a roadmap shared by many schools a
principal sees every row and every school's state, but of the other schools only the state —
their marks' dates, comments, who marked and reviewed, their evidence, their comments on the
rows stay hidden, and their evidence answers 404. A mentor school reads in full the part of
the schools it mentors. The roadmap's owners (its department's staff, the school for its own),
the coordinators and regional viewers read everything they see.

Who comments (``can_comment``, ``COMMENT_RULE`` on the page): staff, coordinators and mentor
schools on any row they see; a principal on the rows where the school acts, and on every row of
the school's own roadmap.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from roadmaps.models import Activity, Comment, CompletionMark, Evidence, Executor, Roadmap, Section
from schools.models import Membership, MentorPair, Organisation
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


COMMENT_RULE = (
    "Комментируют управление образования, координаторы и школы-наставники — любую строку, "
    "которую видят; директор школы — строки, где его школа названа исполнителем, и все строки "
    "дорожной карты своей школы."
)


def can_comment(user, activity: Activity) -> bool:
    """``COMMENT_RULE``, for an activity the user sees: a principal's school acts on the row when
    it (or the principal by name) is one of the row's executors still named in its text."""
    scope = scope_of(user)
    roadmap = activity.roadmap
    if scope.is_superuser or roadmap.owner.municipality_id in scope.municipalities or scope.mentor_schools:
        return True
    if not scope.principal_schools:
        return False
    if roadmap.owner_id in scope.principal_schools:
        return True
    acts = Q(organisation__in=scope.principal_schools)
    if scope.person_id:
        acts |= Q(person=scope.person_id)
    return activity.executors.filter(acts, is_dropped=False).exists()


# --- Whose part a user reads ----------------------------------------------------------------


@dataclass(frozen=True)
class Parts:
    """Whose marks, evidence and comments on one roadmap a user reads in full (``parts_read``)."""

    everything: bool
    schools: frozenset[int] = frozenset()

    def reads(self, executor: Executor) -> bool:
        """Whether the details of this executor's marks are shown (its organisation loaded).
        Executors that are no school (the department's own rows, a person of no school, a
        label) are nobody's part: their marks read as today, to all who see the row."""
        organisation = executor.organisation
        if self.everything or organisation is None or organisation.kind != Organisation.Kind.SCHOOL:
            return True
        return organisation.pk in self.schools


def parts_read(user, roadmap: Roadmap) -> Parts:
    """The one rule of whose part of ``roadmap`` a user reads, from ``scope_of`` (no query):

    - everything: superusers, the staff and coordinators of the roadmap's municipality, the
      regional viewers of its region, the principal of the school that owns it;
    - otherwise the school roles' own part: the principal's school, the mentor's school and
      the schools it mentors. Of the other schools only the state shows (``obligations``).
    """
    scope = scope_of(user)
    owner = roadmap.owner
    if (
        scope.is_superuser
        or owner.municipality_id in scope.municipalities
        or owner.region_id in scope.regions
        or owner.pk in scope.principal_schools
    ):
        return Parts(everything=True)
    return Parts(everything=False, schools=frozenset(scope.own_schools))


def readable_part(user, executor: str = "executor") -> Q:
    """``parts_read`` in SQL, as a condition on the Executor reached by ``executor`` ("" on
    Executor itself): the evidence download, the history, the kept marks."""
    scope = scope_of(user)
    if scope.is_superuser:
        return Q()
    at = f"{executor}__" if executor else ""
    roadmap = f"{at}activity__roadmap__owner"
    return (
        Q(**{f"{roadmap}__municipality__in": scope.municipalities})
        | Q(**{f"{roadmap}__region__in": scope.regions})
        | Q(**{f"{roadmap}__in": scope.principal_schools})
        | Q(**{f"{at}organisation__isnull": True})
        | ~Q(**{f"{at}organisation__kind": Organisation.Kind.SCHOOL})
        | Q(**{f"{at}organisation__in": scope.own_schools})
        # A person named as executor reads what they marked (``can_mark``).
        | (Q(**{f"{at}person": scope.person_id}) if scope.person_id else Q(pk__in=[]))
    )


SCHOOL_ROLES = [Membership.Role.PRINCIPAL, Membership.Role.MENTOR]


def visible_comments(user, activity: Activity, parts: Parts | None = None) -> QuerySet[Comment]:
    """The activity's comments this user reads (one query). A comment is another school's when
    its author holds a school role (principal, mentor) and no role of the department
    (staff, coordinator, regional viewer): a reader who does not read everything sees those
    written by their own school, the schools it mentors, or its mentor school (its advice),
    and the comments of the department's people. A comment whose author was deleted is hidden
    from them too: nobody can say any more whose it was."""
    comments = activity.comments.select_related("author")
    parts = parts or parts_read(user, activity.roadmap)
    if parts.everything:
        return comments
    scope = scope_of(user)
    related = set(parts.schools)
    schooled = Membership.objects.filter(role__in=SCHOOL_ROLES)
    office = Membership.objects.exclude(role__in=SCHOOL_ROLES).values("user")
    ours = schooled.filter(
        Q(organisation__in=related)
        | Q(organisation__in=MentorPair.objects.filter(mentee__in=scope.principal_schools).values("mentor"))
    ).values("user")
    return comments.filter(
        Q(author__in=office)
        | Q(author__in=ours)
        | (Q(author__isnull=False) & ~Q(author__in=schooled.values("user")))
    )


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
    """404 also for another school's evidence on a roadmap the user sees (``parts_read``)."""
    return get_object_or_404(
        Evidence.objects.filter(
            readable_part(user, "mark__executor"),
            mark__executor__activity__in=Activity.objects.visible_to(user),
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
