"""The public progress page of an approved roadmap, and the per-user calendar feed."""

from __future__ import annotations

from django.http import Http404


def public_page_settings(request, pk):
    raise Http404


def public_roadmap(request, token):
    raise Http404


def public_roadmap_embed(request, token):
    raise Http404


def calendar_settings(request):
    raise Http404


def calendar_feed(request, token):
    raise Http404
