"""What Django's error reports may show.

The debug page (DEBUG=1 only) and the error mails list settings and the request's
environment. Django hides names that look secret (KEY, PASS, TOKEN…); a password written
inside a URL — ``EMAIL_URL=smtp+tls://user:password@mail:587``, ``DATABASE_URL``,
``REDIS_URL`` — has an innocent name, so values that carry credentials are hidden too.
"""

from __future__ import annotations

import re

from django.views.debug import SafeExceptionReporterFilter

# scheme://user:password@host, or scheme://:password@host
CREDENTIALS_IN_URL = re.compile(r"^[a-z][a-z0-9+.-]*://[^/@\s]*:[^/@\s]*@", re.IGNORECASE)


class ExceptionReporterFilter(SafeExceptionReporterFilter):
    def cleanse_setting(self, key, value):
        # str(): a lazy setting (django-axes sets AXES_USERNAME_FORM_FIELD lazily) passes for a
        # str but is not one for the regular expression.
        if isinstance(value, str) and CREDENTIALS_IN_URL.match(str(value)):
            return self.cleansed_substitute
        return super().cleanse_setting(key, value)
