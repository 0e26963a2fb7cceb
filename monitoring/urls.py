"""Monitoring's URLs: each slice lists its own; the names stay in one namespace, ``monitoring:``."""

from __future__ import annotations

from monitoring.dashboards import urls as dashboards
from monitoring.indicators import urls as indicators
from monitoring.profile import urls as profile
from monitoring.publishing import urls as publishing
from monitoring.reminders import urls as reminders
from monitoring.results import urls as results

app_name = "monitoring"

urlpatterns = [
    *reminders.urlpatterns,
    *dashboards.urlpatterns,
    *indicators.urlpatterns,
    *results.urlpatterns,
    *profile.urlpatterns,
    *publishing.urlpatterns,
]
