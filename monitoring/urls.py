from __future__ import annotations

from django.urls import path

from monitoring.views import dashboards, indicators, notifications, profile, publishing, results

app_name = "monitoring"

urlpatterns = [
    # Notifications
    path("notifications/", notifications.notifications, name="notifications"),
    path("notifications/read/", notifications.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/open/", notifications.notification_open, name="notification_open"),
    path("notifications/settings/", notifications.settings_update, name="settings_update"),
    # Dashboards
    path("monitoring/", dashboards.dashboard_home, name="dashboard_home"),
    path("monitoring/regions/<int:pk>/", dashboards.region_dashboard, name="region_dashboard"),
    path(
        "monitoring/municipalities/<int:pk>/",
        dashboards.municipality_dashboard,
        name="municipality_dashboard",
    ),
    path("monitoring/schools/<int:pk>/", dashboards.school_dashboard, name="school_dashboard"),
    path("monitoring/roadmaps/<int:pk>/", dashboards.roadmap_dashboard, name="roadmap_dashboard"),
    path("monitoring/<slug:scope>/<int:pk>/export/", dashboards.dashboard_export, name="dashboard_export"),
    # Target indicators
    path(
        "monitoring/roadmaps/<int:pk>/indicators/", indicators.roadmap_indicators, name="roadmap_indicators"
    ),
    # School results
    path("monitoring/schools/<int:pk>/results/", results.school_results, name="school_results"),
    path(
        "monitoring/municipalities/<int:pk>/results/",
        results.municipality_results,
        name="municipality_results",
    ),
    path("monitoring/municipalities/<int:pk>/results/import/", results.results_import, name="results_import"),
    # School profile and risk factors
    path("monitoring/schools/<int:pk>/profile/", profile.school_profile, name="school_profile"),
    path("monitoring/schools/<int:pk>/risks/", profile.school_risks, name="school_risks"),
    path("monitoring/activities/<int:pk>/risks/", profile.activity_risks, name="activity_risks"),
    path("monitoring/risk-factors/", profile.risk_factor_list, name="risk_factor_list"),
    # Public progress page and calendar feed
    path(
        "monitoring/roadmaps/<int:pk>/public/", publishing.public_page_settings, name="public_page_settings"
    ),
    path("public/<str:token>/", publishing.public_roadmap, name="public_roadmap"),
    path("public/<str:token>/embed/", publishing.public_roadmap_embed, name="public_roadmap_embed"),
    path("calendar/", publishing.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", publishing.calendar_feed, name="calendar_feed"),
]
