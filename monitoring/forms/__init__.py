"""Monitoring forms, one module per topic."""

from monitoring.forms.notifications import NotificationSettingsForm

__all__ = ["NotificationSettingsForm"]
