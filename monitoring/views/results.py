"""School results: ВПР, ОГЭ, ЕГЭ and olympiads per school and year, against the municipal average."""

from __future__ import annotations

from django.http import Http404


def school_results(request, pk):
    raise Http404


def municipality_results(request, pk):
    raise Http404


def results_import(request, pk):
    raise Http404
