"""What leaves the portal: the public progress page of a roadmap (``public_page``) and each
user's calendar feed (``calendar``, served as iCalendar by ``ical``); ``views`` and ``urls``:
the settings pages, the public page and the feed.
"""
