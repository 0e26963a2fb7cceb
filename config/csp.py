"""The Content-Security-Policy's one exception, kept to the pages that need it.

django-import-export's export page calls ``onSelectToggleChange(event)`` from an inline
``onchange`` of its «Select all» box: the only inline handler the portal serves, in a library's
admin template. Its hash is allowed under the admin's address only; every portal page keeps
``script-src-attr`` empty (``script-src 'self'`` then covers handlers too: none run).
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse

# 'unsafe-hashes' covers attributes only, never a <script> block; the hash admits that exact text.
ADMIN_INLINE_HANDLERS = {
    "script-src-attr": ["'unsafe-hashes'", "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='"]
}


class PortalCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, adding ``ADMIN_INLINE_HANDLERS`` to the admin's pages."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path.startswith(reverse("admin:index")):
            parts.update = {**(parts.update or {}), **ADMIN_INLINE_HANDLERS}
        return parts
