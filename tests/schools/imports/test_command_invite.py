"""Needs the invitations slice (``schools.invitations.services.directors_invite``): passes
after the merge."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from schools.models import Invitation, Membership, Person
from tests.schools.imports.conftest import inn, school_row, xlsx

pytestmark = pytest.mark.django_db


def test_invite_invites_every_new_director_with_an_email(tmp_path, taganrog):
    path = tmp_path / "реестр.xlsx"
    path.write_bytes(xlsx([school_row(1), school_row(2, director_email="")]))
    out = io.StringIO()
    call_command("import_schools", str(path), "--municipality", str(taganrog.pk), "--invite", stdout=out)
    report = json.loads(out.getvalue().strip().splitlines()[-1])
    head = Person.objects.get(organisation__inn=inn(1), is_head=True)
    invitation = Invitation.objects.get(person=head)
    assert (invitation.email, invitation.role) == ("director1@school.ru", Membership.Role.PRINCIPAL)
    assert not Invitation.objects.filter(organisation__inn=inn(2)).exists()
    # Directors of Таганрог who had an e-mail and no account before may be invited too.
    assert report["invited"] == Invitation.objects.filter(organisation__municipality=taganrog).count() >= 1
    assert report["created"] == 2


def test_a_dry_run_invites_nobody(tmp_path, taganrog):
    path = tmp_path / "реестр.xlsx"
    path.write_bytes(xlsx([school_row(1)]))
    out = io.StringIO()
    call_command(
        "import_schools", str(path), "--municipality", str(taganrog.pk), "--invite", "--dry-run", stdout=out
    )
    assert json.loads(out.getvalue().strip().splitlines()[-1])["invited"] == 0
    assert not Invitation.objects.exists()
