from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from schools.accounts import locked_out, lockout_reset
from schools.audit import export_record
from schools.invitations import services
from schools.invitations.forms import AcceptForm, DirectorForm, InvitationForm
from schools.invitations.mail import existing_account
from schools.invitations.queries import Stage, accounts_of, adoption_of, directors_to_invite, invitation_state
from schools.models import Invitation, Membership, Organisation
from schools.permissions import (
    MUNICIPAL_ROLES,
    REGIONAL_ROLES,
    SCHOOL_ROLES,
    get_invitation_for_manager,
    get_municipality_for_manager,
    get_region_for_manager,
    get_school_for_manager,
    get_user_for_manager,
    managed_municipalities,
    managed_regions,
)
from schools.spreadsheets import text_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOBODY = "Страница «Пользователи» — для специалистов управления образования и региона."


@login_required
def users(request: HttpRequest) -> HttpResponse:
    """The municipality (or region) whose people the user runs; a choice when there are several."""
    municipalities = managed_municipalities(request.user).select_related("region").order_by("name")
    regions = list(managed_regions(request.user))
    if len(regions) > 1:
        # The country, for the superuser: its regions lead to their municipalities; a
        # municipality run outside them is still listed.
        municipalities = municipalities.exclude(region__in=[r.pk for r in regions])
    municipalities = list(municipalities)
    if not municipalities and not regions:
        raise PermissionDenied(NOBODY)
    if len(municipalities) == 1 and not regions:
        return redirect("schools:users_municipality", municipalities[0].pk)
    return render(
        request, "schools/invitations/choose.html", {"municipalities": municipalities, "regions": regions}
    )


def _invitations(organisations) -> list[tuple[Invitation, str, str]]:
    now = timezone.now()
    rows = Invitation.objects.filter(organisation__in=organisations).select_related(
        "organisation", "invited_by"
    )
    return [(inv, *invitation_state(inv, now)) for inv in rows.order_by("-created_at")]


def _invitation_form(request, municipality, data=None) -> InvitationForm:
    return InvitationForm(
        data,
        user=request.user,
        organisations=Organisation.objects.filter(municipality=municipality).order_by("kind", "name"),
        roles=SCHOOL_ROLES | MUNICIPAL_ROLES,
    )


@login_required
def users_municipality(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = get_municipality_for_manager(request.user, pk)
    return _municipality_page(request, municipality, _invitation_form(request, municipality))


def _municipality_page(request, municipality, form, status: int = 200) -> HttpResponse:
    organisations = Organisation.objects.filter(municipality=municipality)
    never = request.GET.get("filter") == "never"
    adoption = adoption_of(municipality)
    accounts = accounts_of(organisations, never_logged_in=never)
    context = {
        "municipality": municipality,
        "accounts": accounts,
        "locked": locked_out(row.user.get_username() for row in accounts),
        "never": never,
        "invitations": _invitations(organisations),
        "adoption": adoption,
        "summary": [(Stage.LABELS[stage], count, stage) for stage, count in adoption.counts.items()],
        "to_invite": directors_to_invite(municipality).count(),
        "form": form,
    }
    return render(request, "schools/invitations/municipality.html", context, status=status)


@login_required
def users_adoption_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The schools' directors and how far each has come in, as the page counts them: the list
    a department calls round, those without an account first."""
    municipality = get_municipality_for_manager(request.user, pk)
    order = {Stage.NO_ACCOUNT: 0, Stage.INVITED: 1, Stage.LOGGED_IN: 2}
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Директора школ")
    sheet.append(
        text_row(sheet, ["Школа", "Директор", "Электронная почта", "Вход на портал", "Последний вход"])
    )
    for row in sorted(adoption_of(municipality).rows, key=lambda r: order[r.stage]):
        last = timezone.localtime(row.last_login).strftime("%d.%m.%Y %H:%M") if row.last_login else ""
        sheet.append(text_row(sheet, [row.school.name, row.director, row.director_email, row.label, last]))
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="directors-{municipality.pk}.xlsx"'
    export_record(request, obj=municipality, detail=f"Директора школ и их входы: «{municipality}»")
    return response


@login_required
def users_region(request: HttpRequest, pk: int) -> HttpResponse:
    """The region's municipalities with their department staff, and the region's own people."""
    region = get_region_for_manager(request.user, pk)
    municipalities = list(region.municipalities.order_by("name"))
    staff = (
        Membership.objects.filter(
            organisation__municipality__region=region,
            organisation__kind=Organisation.Kind.DEPARTMENT,
            role=Membership.Role.STAFF,
        )
        .select_related("user", "organisation")
        .order_by("user__last_name")
    )
    by_municipality: dict[int, list] = {}
    for membership in staff:
        by_municipality.setdefault(membership.organisation.municipality_id, []).append(membership)
    bodies = Organisation.objects.filter(region=region, municipality=None)
    accounts = accounts_of(bodies)
    context = {
        "region": region,
        "municipalities": [(m, by_municipality.get(m.pk, [])) for m in municipalities],
        "accounts": accounts,
        "locked": locked_out(row.user.get_username() for row in accounts),
        "invitations": _invitations(bodies),
        "form": _region_form(request, region),
    }
    return render(request, "schools/invitations/region.html", context)


def _region_form(request, region, data=None) -> InvitationForm:
    return InvitationForm(
        data,
        user=request.user,
        # ``region=region`` on both sides (a municipality's organisations share its region):
        # the region's own rows by their index, not a scan of the country's organisations.
        organisations=Organisation.objects.filter(region=region)
        .filter(Q(municipality=None) | Q(municipality__region=region, kind=Organisation.Kind.DEPARTMENT))
        .order_by("municipality__name", "name"),
        roles=REGIONAL_ROLES | {Membership.Role.STAFF},
    )


def _create(request, form, back: str) -> HttpResponse | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    invitation = services.invitation_create(
        email=data["email"],
        full_name=data["full_name"],
        role=data["role"],
        organisation=data["organisation"],
        invited_by=request.user,
        request=request,
    )
    messages.success(
        request,
        f"Приглашение для {invitation.email} отправляется: {invitation.get_role_display()} — {invitation.organisation}.",
    )
    return redirect(back)


@login_required
def invitation_create(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = get_municipality_for_manager(request.user, pk)
    if request.method != "POST":
        return render(
            request,
            "schools/invitations/invite.html",
            {"form": _invitation_form(request, municipality), "place": municipality},
        )
    form = _invitation_form(request, municipality, request.POST)
    done = _create(request, form, reverse("schools:users_municipality", args=[municipality.pk]))
    return done or render(
        request, "schools/invitations/invite.html", {"form": form, "place": municipality}, status=400
    )


@login_required
def invitation_create_region(request: HttpRequest, pk: int) -> HttpResponse:
    region = get_region_for_manager(request.user, pk)
    if request.method != "POST":
        return render(
            request,
            "schools/invitations/invite.html",
            {"form": _region_form(request, region), "place": region},
        )
    form = _region_form(request, region, request.POST)
    done = _create(request, form, reverse("schools:users_region", args=[region.pk]))
    return done or render(
        request, "schools/invitations/invite.html", {"form": form, "place": region}, status=400
    )


@login_required
@require_POST
def invitation_bulk(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = get_municipality_for_manager(request.user, pk)
    count = services.directors_invite(municipality=municipality, invited_by=request.user)
    if count:
        messages.success(request, f"Приглашения отправляются директорам: {count}.")
    else:
        messages.info(
            request, "Приглашать некого: у всех директоров с адресом уже есть учётная запись или приглашение."
        )
    return redirect("schools:users_municipality", municipality.pk)


def _back_to(organisation: Organisation):
    if organisation.municipality_id is None:
        return redirect("schools:users_region", organisation.region_id)
    return redirect("schools:users_municipality", organisation.municipality_id)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_invitation_for_manager(request.user, pk)
    try:
        services.invitation_resend(invitation=invitation, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Приглашение для {invitation.email} отправлено ещё раз: прежняя ссылка больше не действует.",
        )
    return _back_to(invitation.organisation)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_invitation_for_manager(request.user, pk)
    try:
        services.invitation_revoke(invitation=invitation, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Приглашение для {invitation.email} отозвано: ссылка больше не действует.")
    return _back_to(invitation.organisation)


@login_required
@require_POST
def user_deactivate(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    account, organisation = get_user_for_manager(request.user, pk, organisation_pk)
    try:
        off = services.user_deactivate(
            user=account, organisation=organisation, by=request.user, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        tail = " Учётная запись отключена: войти в неё нельзя." if off else ""
        messages.success(
            request,
            f"{account.get_full_name() or account.get_username()}: роль в «{organisation}» снята.{tail}",
        )
    return _back_to(organisation)


@login_required
@require_POST
def user_reactivate(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    account, organisation = get_user_for_manager(request.user, pk, organisation_pk)
    try:
        services.user_reactivate(user=account, organisation=organisation, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{account.get_full_name() or account.get_username()}: доступ к «{organisation}» возвращён.",
        )
    return _back_to(organisation)


@login_required
@require_POST
def user_unlock(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    """Lifts the login lockout of a person the user gives roles to (five wrong passwords)."""
    account, organisation = get_user_for_manager(request.user, pk, organisation_pk)
    name = account.get_full_name() or account.get_username()
    if lockout_reset(account=account, by=request.user, request=request):
        messages.success(request, f"{name}: блокировка входа снята, можно входить снова.")
    else:
        messages.info(request, f"{name}: вход не был заблокирован.")
    return _back_to(organisation)


@login_required
def director_replace(request: HttpRequest, pk: int) -> HttpResponse:
    school = get_school_for_manager(request.user, pk)
    current = school.people.filter(is_head=True).first()
    form = DirectorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        invitation = services.director_replace(
            school=school,
            full_name=form.cleaned_data["full_name"],
            email=form.cleaned_data["email"],
            by=request.user,
            request=request,
        )
        messages.success(
            request,
            f"Директор школы «{school}» — {invitation.full_name}; приглашение отправляется на {invitation.email}.",
        )
        return redirect("schools:users_municipality", school.municipality_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "schools/invitations/director.html",
        {"school": school, "current": current, "form": form},
        status=status,
    )


# --- The public page of the link -----------------------------------------------------------


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the mail. Unknown links get one page (404) whatever the token, so the page
    tells nothing; used, revoked and expired ones (410) name whom to ask."""
    invitation = services.invitation_by_token(token)
    if invitation is None:
        return render(request, "schools/invitations/accept_closed.html", {"invitation": None}, status=404)
    if not invitation.is_open():
        return _closed(request, invitation)
    user = request.user
    mine = user.is_authenticated and services.invitation_is_for(user, invitation)
    other = user.is_authenticated and not mine
    account = None if user.is_authenticated else existing_account(invitation.email)
    first, last = services.names_of(invitation.full_name)
    form = AcceptForm(
        request.POST if request.method == "POST" and not mine else None,
        account=get_user_model()(
            username=invitation.email, email=invitation.email, first_name=first, last_name=last
        ),
    )
    error = ""
    if request.method == "POST" and not other and account is None and (mine or form.is_valid()):
        try:
            services.invitation_accept(
                token=token, password=None if mine else form.cleaned_data["password1"], request=request
            )
        except services.InvitationClosed as closed:
            return _closed(request, closed.invitation)
        except ValidationError as failure:
            error = " ".join(failure.messages)
        else:
            messages.success(
                request,
                f"Добро пожаловать! Вы вошли как {invitation.email}: {invitation.get_role_display()} — {invitation.organisation}.",
            )
            return redirect("home")
    context = {
        "invitation": invitation,
        "form": form,
        "mine": mine,
        "other": other,
        "account": account,
        "error": error,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "schools/invitations/accept.html", context, status=status)


def _closed(request, invitation: Invitation) -> HttpResponse:
    if invitation.accepted_at:
        why = "Приглашение уже принято: по этой ссылке больше не войти."
    elif invitation.revoked_at:
        why = "Приглашение отозвано."
    else:
        why = "Срок действия ссылки истёк."
    return render(
        request, "schools/invitations/accept_closed.html", {"invitation": invitation, "why": why}, status=410
    )
