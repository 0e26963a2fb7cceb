"""A roadmap's target indicators with the values entered per school and date, against the target."""

from __future__ import annotations

from django.http import Http404


def roadmap_indicators(request, pk):
    raise Http404
