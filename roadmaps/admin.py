from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from roadmaps.models import (
    Activity,
    CompletionMark,
    DeadlineWindow,
    Evidence,
    Executor,
    ImportDraft,
    Roadmap,
    RoadmapEvent,
    RoadmapSchool,
    Section,
    TargetIndicator,
    TrashEntry,
)


class RoadmapSchoolInline(admin.TabularInline):
    model = RoadmapSchool
    extra = 0
    autocomplete_fields = ["school"]


class TargetIndicatorInline(admin.TabularInline):
    model = TargetIndicator
    extra = 0


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["order", "kind", "number", "title", "parent"]
    show_change_link = True


@admin.register(Roadmap)
class RoadmapAdmin(SimpleHistoryAdmin):
    list_display = ["title", "owner", "level", "status", "period_start", "period_end"]
    list_filter = ["status", "level", "owner__region", "owner__municipality"]
    search_fields = ["title", "owner__name", "goal", "approval_number"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]
    date_hierarchy = "period_start"
    inlines = [RoadmapSchoolInline, TargetIndicatorInline, SectionInline]
    fieldsets = [
        (None, {"fields": ["owner", "level", "title", "status", ("period_start", "period_end")]}),
        (
            "Утверждение",
            {"fields": ["approval_kind", "approval_number", "approval_date", "approved_by", "approval_text"]},
        ),
        ("Цель и задачи", {"fields": ["goal", "tasks"]}),
        ("Служебное", {"fields": ["column_titles", "source_key"], "classes": ["collapse"]}),
    ]


class ActivityInline(admin.StackedInline):
    model = Activity
    extra = 0
    fields = ["order", "number", "content", "deadline_text", "responsible_text", "expected_result"]
    show_change_link = True


@admin.register(Section)
class SectionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "roadmap", "kind", "order"]
    list_filter = ["kind", "roadmap"]
    search_fields = ["title", "roadmap__title"]
    list_select_related = ["roadmap"]
    inlines = [ActivityInline]


class DeadlineWindowInline(admin.TabularInline):
    model = DeadlineWindow
    extra = 0


class ExecutorInline(admin.TabularInline):
    model = Executor
    extra = 0
    fields = ["order", "kind", "label", "organisation", "person", "role", "is_dropped"]
    autocomplete_fields = ["organisation", "person"]


class ChildActivityInline(admin.StackedInline):
    model = Activity
    fk_name = "parent"
    extra = 0
    fields = ["order", "number", "content", "deadline_text", "responsible_text", "expected_result"]
    verbose_name = "подпункт"
    verbose_name_plural = "подпункты со своими сроками"
    show_change_link = True


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ["number", "short_content", "deadline_text", "responsible_text", "needs_date", "roadmap"]
    list_display_links = ["number", "short_content"]
    list_filter = ["needs_date", "roadmap__owner__municipality", "roadmap"]
    search_fields = ["content", "deadline_text", "responsible_text", "expected_result", "number"]
    list_select_related = ["roadmap"]
    raw_id_fields = ["roadmap", "section", "parent"]
    inlines = [DeadlineWindowInline, ExecutorInline, ChildActivityInline]

    @admin.display(description="мероприятие")
    def short_content(self, obj: Activity) -> str:
        return obj.content[:120]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["file", "url", "original_name", "size", "content_type", "uploaded_by", "uploaded_at"]
    readonly_fields = ["original_name", "size", "content_type", "uploaded_by", "uploaded_at"]


@admin.register(CompletionMark)
class CompletionMarkAdmin(SimpleHistoryAdmin):
    list_display = ["executor", "window", "status", "completed_on", "review", "marked_by"]
    list_filter = ["status", "review"]
    search_fields = ["executor__label", "comment", "executor__activity__content"]
    list_select_related = ["executor", "window", "marked_by"]
    raw_id_fields = ["executor", "window", "marked_by", "reviewed_by"]
    inlines = [EvidenceInline]


@admin.register(Executor)
class ExecutorAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "organisation", "person", "activity", "is_dropped"]
    list_filter = ["kind", "is_dropped", "organisation__municipality"]
    search_fields = ["label", "organisation__name", "person__full_name"]
    list_select_related = ["organisation", "person", "activity"]
    raw_id_fields = ["activity"]
    autocomplete_fields = ["organisation", "person"]


@admin.register(TrashEntry)
class TrashEntryAdmin(admin.ModelAdmin):
    """Read only: restoring and deleting for good go through the roadmap's «Корзина» page,
    which also removes the evidence files from the disk."""

    list_display = ["label", "roadmap", "deleted_by", "deleted_at"]
    list_filter = ["roadmap__owner__municipality"]
    search_fields = ["label", "roadmap__title"]
    list_select_related = ["roadmap", "deleted_by"]
    readonly_fields = ["roadmap", "label", "deleted_by", "deleted_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RoadmapEvent)
class RoadmapEventAdmin(admin.ModelAdmin):
    """Read only: decisions are taken on the roadmap's pages (approve, revise, archive, back
    to draft), where they are asked for and confirmed; the admin shows the record."""

    list_display = ["roadmap", "kind", "document_number", "document_date", "by", "at"]
    list_filter = ["kind", "roadmap__owner__municipality"]
    search_fields = ["roadmap__title", "document_number", "reason"]
    list_select_related = ["roadmap", "by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ImportDraft)
class ImportDraftAdmin(admin.ModelAdmin):
    """Read only, for support: who uploaded what, and why a file was not read. The rows
    themselves are seen on the uploader's preview; a stale draft may be deleted."""

    list_display = ["file_name", "user", "owner", "kind", "state", "created_at", "roadmap"]
    list_filter = ["state", "kind"]
    search_fields = ["file_name", "user__username", "owner__name"]
    list_select_related = ["user", "owner", "roadmap"]
    fields = ["file_name", "user", "owner", "kind", "state", "error", "roadmap", "created_at", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
