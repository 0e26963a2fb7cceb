"""Monitoring models, split by topic:

- ``reminders``: reminder claims, notifications and their settings;
- ``indicators``: values of a roadmap's target indicators per school and date;
- ``results``: ВПР, ОГЭ, ЕГЭ results and olympiad participation per school and year;
- ``profile``: what a department collects about a school, the risk factors and their levels;
- ``publishing``: the public progress page of a roadmap and the per-user calendar feeds.
"""

from monitoring.models.indicators import IndicatorValue
from monitoring.models.profile import ActivityRiskFactor, RiskFactor, SchoolProfile, SchoolRisk
from monitoring.models.publishing import CalendarFeed, PublicPage
from monitoring.models.reminders import (
    DEFAULT_DAYS_BEFORE,
    DEFAULT_SEND_HOUR,
    Notification,
    NotificationSettings,
    Reminder,
    ReminderPolicy,
    parse_days_before,
    validate_days_before,
)
from monitoring.models.results import ExamResult, OlympiadResult, ResultsImportPreview

__all__ = [
    "DEFAULT_DAYS_BEFORE",
    "DEFAULT_SEND_HOUR",
    "ActivityRiskFactor",
    "CalendarFeed",
    "ExamResult",
    "IndicatorValue",
    "Notification",
    "NotificationSettings",
    "OlympiadResult",
    "PublicPage",
    "Reminder",
    "ReminderPolicy",
    "ResultsImportPreview",
    "RiskFactor",
    "SchoolProfile",
    "SchoolRisk",
    "parse_days_before",
    "validate_days_before",
]
