"""Who reaches a registry draft: the one who uploaded it (and superusers), while they still run
its municipality."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from schools.models import RegistryImport
from schools.permissions import can_manage_municipality


def get_draft_for_user(user, pk: int) -> RegistryImport:
    """404 for anyone but its uploader and superusers; 403 when the uploader no longer runs the
    municipality."""
    drafts = RegistryImport.objects.select_related("municipality__region")
    if not user.is_superuser:
        drafts = drafts.filter(created_by=user)
    draft = get_object_or_404(drafts, pk=pk)
    if not can_manage_municipality(user, draft.municipality):
        raise PermissionDenied("Реестр муниципалитета ведут специалисты управления образования.")
    return draft
