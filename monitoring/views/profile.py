"""A school's profile (staff, pupils, materials, premises, other factors) and its risk factors."""

from __future__ import annotations

from django.http import Http404


def school_profile(request, pk):
    raise Http404


def school_risks(request, pk):
    raise Http404


def activity_risks(request, pk):
    raise Http404


def risk_factor_list(request):
    raise Http404
