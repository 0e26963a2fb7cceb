"""Progress dashboards for each scope: region, municipality, school, roadmap."""

from __future__ import annotations

from django.http import Http404


def dashboard_home(request):
    raise Http404


def region_dashboard(request, pk):
    raise Http404


def municipality_dashboard(request, pk):
    raise Http404


def school_dashboard(request, pk):
    raise Http404


def roadmap_dashboard(request, pk):
    raise Http404


def dashboard_export(request, scope, pk):
    raise Http404
