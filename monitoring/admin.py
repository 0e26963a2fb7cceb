from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html

from monitoring.models import (
    ActivityRiskFactor,
    CalendarFeed,
    ExamResult,
    IndicatorValue,
    Notification,
    NotificationSettings,
    OlympiadResult,
    PublicPage,
    Reminder,
    ReminderPolicy,
    RiskFactor,
    SchoolProfile,
    SchoolRisk,
)
from monitoring.reminders.services import reminders_retry_failed
from schools.admin import RecordedExportMixin


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(admin.ModelAdmin):
    list_display = ["organisation", "days_before", "send_hour"]
    search_fields = ["organisation__name", "organisation__short_name"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "status_badge",
        "kind",
        "recipient",
        "subject",
        "attempts",
        "next_try_at",
        "sent_at",
    ]
    list_filter = ["status", "kind", ("sent_at", admin.DateFieldListFilter), "created_at"]
    search_fields = ["subject", "recipient__username", "recipient__last_name", "email", "last_error"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    readonly_fields = [
        "kind",
        "recipient",
        "window",
        "days",
        "week",
        "status",
        "attempts",
        "last_error",
        "next_try_at",
        "locked_until",
        "claim_token",
        "email",
        "subject",
        "body_text",
        "created_at",
        "sent_at",
    ]
    exclude = ["body_html"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="статус", ordering="status")
    def status_badge(self, obj: Reminder) -> str:
        colour = {"sent": "#198754", "failed": "#dc3545"}.get(obj.status, "#6c757d")
        return format_html('<b style="color:{}">{}</b>', colour, obj.get_status_display())

    @admin.action(description="Отправить повторно сейчас (неотправленные)")
    def send_again(self, request, queryset):
        count = reminders_retry_failed(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            f"Отправка повторится: {count}. Письма уйдут в ближайший проход напоминаний "
            "(каждую минуту) или при запуске send_reminders; попытки считаются заново.",
            messages.SUCCESS,
        )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "title", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["title", "user__username", "user__last_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "reminder"]


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "weekly_digest"]
    list_filter = ["weekly_digest"]
    search_fields = ["user__username", "user__last_name"]
    raw_id_fields = ["user"]


# Monitoring data. Results are imported on the municipality's results page (with a
# preview and school matching); the admin exports them.


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "school", "as_of", "value", "text", "entered_by"]
    list_filter = [("as_of", admin.DateFieldListFilter)]
    search_fields = ["indicator__name", "indicator__roadmap__title", "school__name"]
    list_select_related = ["indicator", "school", "entered_by"]
    raw_id_fields = ["indicator", "school", "entered_by"]


@admin.register(ExamResult)
class ExamResultAdmin(RecordedExportMixin, admin.ModelAdmin):
    list_display = ["school", "year", "exam", "subject", "grade", "participants", "average_score"]
    list_filter = ["exam", "year", "grade"]
    search_fields = ["school__name", "school__municipality__name", "subject"]
    list_select_related = ["school"]
    raw_id_fields = ["school", "entered_by"]


@admin.register(OlympiadResult)
class OlympiadResultAdmin(RecordedExportMixin, admin.ModelAdmin):
    list_display = ["school", "academic_year", "level", "participants", "winners", "prize_winners"]
    list_filter = ["level", "academic_year"]
    search_fields = ["school__name", "school__municipality__name"]
    list_select_related = ["school"]
    raw_id_fields = ["school", "entered_by"]


@admin.register(SchoolProfile)
class SchoolProfileAdmin(admin.ModelAdmin):
    list_display = ["school", "academic_year", "teachers_total", "teacher_vacancies", "pupils_total"]
    list_filter = ["academic_year", "premises_condition"]
    search_fields = ["school__name", "school__municipality__name"]
    list_select_related = ["school"]
    raw_id_fields = ["school", "updated_by"]


@admin.register(RiskFactor)
class RiskFactorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "order"]
    search_fields = ["code", "name", "description"]


@admin.register(SchoolRisk)
class SchoolRiskAdmin(admin.ModelAdmin):
    list_display = ["school", "factor", "academic_year", "level"]
    list_filter = ["level", "academic_year", "factor"]
    search_fields = ["school__name", "school__municipality__name", "factor__name"]
    list_select_related = ["school", "factor"]
    raw_id_fields = ["school", "assessed_by"]


@admin.register(ActivityRiskFactor)
class ActivityRiskFactorAdmin(admin.ModelAdmin):
    list_display = ["activity", "factor"]
    list_filter = ["factor"]
    search_fields = ["activity__content", "activity__roadmap__title"]
    list_select_related = ["activity", "factor"]
    raw_id_fields = ["activity"]


@admin.register(PublicPage)
class PublicPageAdmin(admin.ModelAdmin):
    list_display = ["roadmap", "is_enabled", "enabled_by", "enabled_at"]
    list_filter = ["is_enabled"]
    search_fields = ["roadmap__title", "roadmap__owner__name"]
    list_select_related = ["roadmap", "enabled_by"]
    readonly_fields = ["token", "enabled_by", "enabled_at"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Feeds are created and revoked by their users; the admin only sees who has one."""

    list_display = ["user", "created_at", "revoked_at", "last_used_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "user__last_name"]
    list_select_related = ["user"]
    exclude = ["token"]
    readonly_fields = ["user", "created_at", "revoked_at", "last_used_at"]

    def has_add_permission(self, request) -> bool:
        return False
