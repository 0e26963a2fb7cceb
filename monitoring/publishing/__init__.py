"""What leaves the portal: the public progress page of a roadmap (``public_page``) and each
user's calendar feed (``calendar``)."""

from monitoring.publishing.calendar import (
    CalendarEvent,
    calendar_events,
    calendar_feed_create,
    calendar_feed_renew,
    calendar_feed_revoke,
    calendar_feed_touch,
    get_live_feed,
    user_timezone,
)
from monitoring.publishing.public_page import (
    get_public_page,
    load_demo_public_pages,
    mask_names,
    municipality_today,
    public_page_publish,
    public_page_unpublish,
    public_progress,
)

__all__ = [
    "CalendarEvent",
    "calendar_events",
    "calendar_feed_create",
    "calendar_feed_renew",
    "calendar_feed_revoke",
    "calendar_feed_touch",
    "get_live_feed",
    "get_public_page",
    "load_demo_public_pages",
    "mask_names",
    "municipality_today",
    "public_page_publish",
    "public_page_unpublish",
    "public_progress",
    "user_timezone",
]
