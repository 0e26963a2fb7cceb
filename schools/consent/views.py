"""The consent to the processing of personal data asked at the first login (and again after
each new version), its text for whoever wants to reread it, and the page of a user who has
no role yet."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from schools.accounts import client_ip
from schools.consent.forms import ConsentForm
from schools.consent.middleware import remember_acceptance
from schools.consent.queries import acceptance_of, current_text, whom_to_ask
from schools.consent.services import consent_accept
from schools.models import ConsentAcceptance
from schools.permissions import has_no_role


def _next(request: HttpRequest) -> str:
    """Where to go on: ``next`` when it is a page of this portal, else the start page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _contacts_sentence(user) -> str:
    contacts = whom_to_ask(user)
    people = ([contacts.invited_by] if contacts.invited_by else []) + contacts.staff
    if not people:
        return "С вопросами обратитесь в управление образования вашего муниципалитета."
    names = ", ".join(f"{p.name} ({p.email})" if p.email else p.name for p in people[:3])
    return f"С вопросами обратитесь в управление образования: {names}."


@login_required
def consent(request: HttpRequest) -> HttpResponse:
    text = current_text()
    if text is None:
        return redirect(_next(request))
    if request.method == "POST" and "decline" in request.POST:
        sentence = _contacts_sentence(request.user)
        logout(request)
        messages.warning(
            request,
            "Вы не дали согласие на обработку персональных данных, и вход отменён: без него "
            "порталом пользоваться нельзя, потому что в нём ведутся ваши ФИО, должность и "
            f"адрес электронной почты. Если передумаете, войдите снова. {sentence}",
        )
        return redirect("login")
    accepted = acceptance_of(request.user, text)
    if accepted is not None:
        remember_acceptance(request, text.pk)
        return redirect(_next(request) if "next" in request.GET else "schools:consent_text")
    form = ConsentForm(request.POST or None, initial={"text": text.pk})
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["text"] != text.pk:
            messages.warning(request, "Пока вы читали, текст согласия обновился. Прочитайте новую редакцию.")
            form = ConsentForm(initial={"text": text.pk})
        else:
            acceptance = consent_accept(user=request.user, text=text, address=client_ip(request))
            remember_acceptance(request, text.pk)
            when = timezone.localtime(acceptance.accepted_at)
            messages.success(request, f"Спасибо: согласие записано {when:%d.%m.%Y в %H:%M}.")
            return redirect(_next(request))
    context = {"text": text, "form": form, "next": _next(request)}
    return render(request, "schools/consent/consent.html", context, status=400 if form.errors else 200)


@login_required
def consent_text(request: HttpRequest) -> HttpResponse:
    text = current_text()
    context = {
        "text": text,
        "accepted": acceptance_of(request.user, text),
        "earlier": ConsentAcceptance.objects.filter(user=request.user)
        .exclude(text=text)
        .select_related("text")[:20],
    }
    return render(request, "schools/consent/consent_text.html", context)


@login_required
def no_role(request: HttpRequest) -> HttpResponse:
    if not has_no_role(request.user):
        return redirect("home")
    return render(request, "schools/consent/no_role.html", {"contacts": whom_to_ask(request.user)})
