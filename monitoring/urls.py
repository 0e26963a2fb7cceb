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
    path("monitoring/indicators/<int:pk>/", indicators.indicator_update, name="indicator_update"),
    path("monitoring/indicators/<int:pk>/values/", indicators.indicator_values, name="indicator_values"),
    path(
        "monitoring/indicators/<int:pk>/values/add/",
        indicators.indicator_value_create,
        name="indicator_value_create",
    ),
    path(
        "monitoring/indicator-values/<int:pk>/delete/",
        indicators.indicator_value_remove,
        name="indicator_value_delete",
    ),
    # School results
    path("monitoring/schools/<int:pk>/results/", results.school_results, name="school_results"),
    path(
        "monitoring/municipalities/<int:pk>/results/",
        results.municipality_results,
        name="municipality_results",
    ),
    path("monitoring/municipalities/<int:pk>/results/import/", results.results_import, name="results_import"),
    path(
        "monitoring/municipalities/<int:pk>/results/import/<str:token>/",
        results.results_import_preview,
        name="results_import_preview",
    ),
    path(
        "monitoring/municipalities/<int:pk>/results/template/",
        results.results_template_download,
        name="results_template",
    ),
    path(
        "monitoring/municipalities/<int:pk>/olympiads/import/",
        results.olympiad_import,
        name="olympiad_import",
    ),
    path(
        "monitoring/municipalities/<int:pk>/olympiads/import/<str:token>/",
        results.olympiad_import_preview,
        name="olympiad_import_preview",
    ),
    path(
        "monitoring/municipalities/<int:pk>/olympiads/template/",
        results.olympiad_template_download,
        name="olympiad_template",
    ),
    path("monitoring/schools/<int:pk>/results/exams/", results.exam_result_create, name="exam_result_create"),
    path(
        "monitoring/schools/<int:pk>/results/olympiads/",
        results.olympiad_result_create,
        name="olympiad_result_create",
    ),
    path("monitoring/exam-results/<int:pk>/delete/", results.exam_result_remove, name="exam_result_delete"),
    path(
        "monitoring/olympiad-results/<int:pk>/delete/",
        results.olympiad_result_remove,
        name="olympiad_result_delete",
    ),
    # School profile and risk factors
    path("monitoring/schools/<int:pk>/profile/", profile.school_profile, name="school_profile"),
    path(
        "monitoring/schools/<int:pk>/profile/edit/", profile.school_profile_edit, name="school_profile_edit"
    ),
    path("monitoring/schools/<int:pk>/risks/", profile.school_risks, name="school_risks"),
    path(
        "monitoring/schools/<int:pk>/risk-coverage/",
        profile.school_risk_coverage,
        name="school_risk_coverage",
    ),
    path("monitoring/activities/<int:pk>/risks/", profile.activity_risks, name="activity_risks"),
    path("monitoring/risk-factors/", profile.risk_factor_list, name="risk_factor_list"),
    # Public progress page and calendar feed
    path(
        "monitoring/roadmaps/<int:pk>/public/", publishing.public_page_settings, name="public_page_settings"
    ),
    path(
        "monitoring/roadmaps/<int:pk>/public/update/",
        publishing.public_page_update,
        name="public_page_update",
    ),
    path("public/<str:token>/", publishing.public_roadmap, name="public_roadmap"),
    path("public/<str:token>/embed/", publishing.public_roadmap_embed, name="public_roadmap_embed"),
    path("calendar/", publishing.calendar_settings, name="calendar_settings"),
    path("calendar/create/", publishing.calendar_create, name="calendar_create"),
    path("calendar/renew/", publishing.calendar_renew, name="calendar_renew"),
    path("calendar/revoke/", publishing.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:token>.ics", publishing.calendar_feed, name="calendar_feed"),
]
