"""The notifications page: a user's in-app notifications and their settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from monitoring.models import Notification, NotificationSettings
from monitoring.permissions import get_notification_for_user
from monitoring.reminders.forms import NotificationSettingsForm
from monitoring.reminders.services import notification_settings_update, notifications_mark_read

PAGE_SIZE = 25


@login_required
def notifications(request):
    own = Notification.objects.for_user(request.user)
    page = Paginator(own.select_related("reminder"), PAGE_SIZE).get_page(request.GET.get("page"))
    prefs = NotificationSettings.objects.filter(user=request.user).first() or NotificationSettings()
    return render(
        request,
        "monitoring/reminders/notifications.html",
        {
            "page": page,
            "unread_count": own.unread().count(),
            "form": NotificationSettingsForm(instance=prefs),
        },
    )


@login_required
@require_POST
def notifications_read(request):
    count = notifications_mark_read(user=request.user)
    if count:
        messages.success(request, "Все уведомления отмечены как прочитанные.")
    return redirect("monitoring:notifications")


@login_required
@require_POST
def notification_open(request, pk: int):
    """Mark one notification read and go where it points."""
    notification = get_notification_for_user(request.user, pk)
    if notification.read_at is None:
        notifications_mark_read(user=request.user, ids=[notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return redirect("monitoring:notifications")


@login_required
@require_POST
def settings_update(request):
    form = NotificationSettingsForm(request.POST)
    if form.is_valid():
        prefs = notification_settings_update(
            user=request.user, weekly_digest=form.cleaned_data["weekly_digest"]
        )
        if prefs.weekly_digest:
            messages.success(request, "Еженедельная сводка включена: она придёт в понедельник утром.")
        else:
            messages.success(request, "Еженедельная сводка отключена.")
    return redirect("monitoring:notifications")
