"""Progress dashboards for each scope: region, municipality, school, roadmap; and their XLSX."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from monitoring.dashboards.export import dashboard_xlsx, export_filename
from monitoring.dashboards.forms import DashboardForm
from monitoring.dashboards.page import dashboard_page, dashboard_table, has_table
from monitoring.dashboards.queries import Scope
from roadmaps.permissions import get_roadmap_for_user
from schools.audit import export_record
from schools.models import Municipality, Organisation
from schools.permissions import (
    can_see_municipality,
    can_see_region,
    can_see_school,
    get_municipality_for_user,
    get_region_for_user,
    get_school_for_user,
    scope_of,
    visible_regions,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE = "monitoring/dashboards/dashboard.html"


@login_required
def dashboard_home(request: HttpRequest) -> HttpResponse:
    """Each user's natural scope: straight there when there is one, a chooser when several."""
    scope = scope_of(request.user)
    regions = (
        visible_regions(request.user).annotate(municipality_count=Count("municipalities")).order_by("name")
    )
    municipalities = Municipality.objects.filter(pk__in=scope.municipalities).select_related("region")
    schools = Organisation.objects.filter(pk__in=scope.principal_schools | scope.mentor_schools).order_by(
        "name"
    )
    choices = [
        *(("region_dashboard", r) for r in regions),
        *(("municipality_dashboard", m) for m in municipalities),
        *(("school_dashboard", s) for s in schools),
    ]
    if len(choices) == 1:
        name, target = choices[0]
        return redirect(f"monitoring:{name}", target.pk)
    context = {"regions": regions, "municipalities": municipalities, "schools": schools}
    return render(request, "monitoring/dashboards/home.html", context)


def _scope(user, slug: str, pk: int) -> Scope:
    """The scope named in a URL, through its scoped getter: 404 when not visible."""
    if slug == "regions":
        return Scope("region", get_region_for_user(user, pk))
    if slug == "municipalities":
        return Scope("municipality", get_municipality_for_user(user, pk))
    if slug == "schools":
        return Scope("school", get_school_for_user(user, pk))
    if slug == "roadmaps":
        return Scope("roadmap", get_roadmap_for_user(user, pk))
    raise Http404


def _form(request: HttpRequest, scope: Scope) -> DashboardForm:
    """The filters; a coordinator's municipality starts with their own schools."""
    user_scope = scope_of(request.user)
    can_narrow = (
        scope.kind == "municipality"
        and scope.obj.pk in user_scope.coordinator_municipalities
        and bool(user_scope.assigned_schools)
    )
    return DashboardForm(request.GET, today=timezone.localdate(), can_narrow=can_narrow)


def _narrowed(scope: Scope, user, mine: bool) -> Scope:
    if not mine:
        return scope
    return Scope(scope.kind, scope.obj, schools=tuple(sorted(scope_of(user).assigned_schools)))


def _dashboard(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The whole dashboard; to htmx asking for one table (``table=…``), only that table."""
    scope = _scope(request.user, slug, pk)
    form = _form(request, scope)
    filters = form.filters()
    scope = _narrowed(scope, request.user, filters.mine)
    table = request.GET.get("table")
    # Going back to an entry htmx did not keep reloads the whole page, whatever its address.
    if table and request.htmx and not request.htmx.history_restore_request:
        response = _table(request, scope, table, filters)
    else:
        context = dashboard_page(scope, filters=filters, params=request.GET, user=request.user)
        context.update(form=form, filters=filters, **_breadcrumbs(request.user, scope))
        response = render(request, TEMPLATE, context)
    # The same address answers a whole page or one table, depending on who asks.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _table(request: HttpRequest, scope: Scope, table: str, filters) -> HttpResponse:
    """One table's part of the page; «by school» and «by section» also bring the heatmap, which
    htmx puts in its place outside the table (out of band)."""
    if not has_table(scope, table):
        return HttpResponse(
            f"На этой панели нет таблицы «{table[:40]}».",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    context = dashboard_table(scope, table, filters=filters, params=request.GET, user=request.user)
    context["filters"] = filters
    html = render_to_string(f"{TEMPLATE}#{table}", context, request)
    if table in ("schools", "sections"):
        html += render_to_string(f"{TEMPLATE}#heatmap", {**context, "oob": True}, request)
    return HttpResponse(html)


def _breadcrumbs(user, scope: Scope) -> dict:
    """The wider scopes above this one, linked where the user may open them."""
    obj = scope.obj
    school = municipality = region = None
    if scope.kind == "roadmap":
        municipality = obj.owner.municipality
        region = municipality.region if municipality else obj.owner.region
        school = obj.owner if obj.owner.kind == Organisation.Kind.SCHOOL else None
    elif scope.kind == "school":
        municipality, region = obj.municipality, obj.region
    elif scope.kind == "municipality":
        region = obj.region
    if region is not None and not can_see_region(user, region):
        region = None
    if municipality is not None and not can_see_municipality(user, municipality):
        municipality = None
    if school is not None and not can_see_school(user, school):
        school = None
    return {"crumb_region": region, "crumb_municipality": municipality, "crumb_school": school}


@login_required
def region_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    return _dashboard(request, "regions", pk)


@login_required
def municipality_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    return _dashboard(request, "municipalities", pk)


@login_required
def school_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    return _dashboard(request, "schools", pk)


@login_required
def roadmap_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    return _dashboard(request, "roadmaps", pk)


@login_required
def dashboard_export(request: HttpRequest, scope: str, pk: int) -> HttpResponse:
    """The dashboard as an XLSX workbook, one sheet per breakdown, with the page's filters."""
    found = _scope(request.user, scope, pk)
    filters = _form(request, found).filters()
    found = _narrowed(found, request.user, filters.mine)
    content = dashboard_xlsx(found, filters=filters)
    filename = export_filename(found, filters)
    export_record(request, obj=found.obj, detail=f"«{filename}»")
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=filename, content_type=XLSX)
