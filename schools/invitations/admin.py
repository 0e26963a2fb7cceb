"""The invitations in the admin: to look up, to revoke; they are made on the «Пользователи» page."""

from __future__ import annotations

from django.contrib import admin, messages

from schools.invitations.queries import invitation_state
from schools.invitations.services import invitation_revoke
from schools.models import Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "role", "organisation", "state", "created_at", "invited_by"]
    list_filter = [
        "role",
        ("accepted_at", admin.EmptyFieldListFilter),
        ("revoked_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["email", "full_name", "organisation__name"]
    list_select_related = ["organisation", "invited_by"]
    date_hierarchy = "created_at"
    actions = ["revoke"]
    # What the invitation was and became is read here, never rewritten: the page is the place.
    readonly_fields = [
        "email",
        "full_name",
        "role",
        "organisation",
        "person",
        "invited_by",
        "created_at",
        "expires_at",
        "sent_at",
        "send_error",
        "accepted_at",
        "user",
        "revoked_at",
    ]
    exclude = ["token_hash"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="состояние")
    def state(self, invitation: Invitation) -> str:
        return invitation_state(invitation)[0]

    @admin.action(description="Отозвать выбранные приглашения")
    def revoke(self, request, queryset) -> None:
        open_ones = [i for i in queryset if i.accepted_at is None and i.revoked_at is None]
        for invitation in open_ones:
            invitation_revoke(invitation=invitation, by=request.user, request=request)
        self.message_user(request, f"Отозвано приглашений: {len(open_ones)}.", messages.SUCCESS)
