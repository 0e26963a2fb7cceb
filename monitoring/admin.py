from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html

from monitoring.models import Notification, NotificationSettings, Reminder, ReminderPolicy
from monitoring.services import reminders_retry_failed


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(admin.ModelAdmin):
    list_display = ["organisation", "days_before", "send_hour"]
    search_fields = ["organisation__name", "organisation__short_name"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["created_at", "status_badge", "kind", "recipient", "subject", "attempts", "sent_at"]
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

    @admin.action(description="Отправить повторно (только с ошибкой отправки)")
    def send_again(self, request, queryset):
        count = reminders_retry_failed(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"Поставлено в очередь повторно: {count}.", messages.SUCCESS)


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
