from __future__ import annotations

from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "schools"
    verbose_name = "Школы и организации"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from schools import audit

        # The access log of logins (schools/audit.py): Django's own events, not a write hidden in a save.
        user_logged_in.connect(audit.on_logged_in, dispatch_uid="access_login")
        user_login_failed.connect(audit.on_login_failed, dispatch_uid="access_login_failed")
        user_logged_out.connect(audit.on_logged_out, dispatch_uid="access_logout")
