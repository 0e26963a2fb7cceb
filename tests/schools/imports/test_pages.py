from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from schools.imports.reading import COLUMNS
from schools.imports.services import registry_import
from schools.models import Membership, Organisation, RegistryImport
from tests.schools.imports.conftest import inn, school_row, xlsx

pytestmark = pytest.mark.django_db


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def upload(client, taganrog, content: bytes, name="реестр.xlsx"):
    return client.post(
        reverse("schools:import_upload", args=[taganrog.pk]), {"file": SimpleUploadedFile(name, content)}
    )


@pytest.fixture
def draft(client, staff, taganrog) -> RegistryImport:
    client.force_login(staff)
    upload(client, taganrog, xlsx([school_row(1), school_row(2)]))
    return RegistryImport.objects.get(created_by=staff)


def test_the_upload_leads_to_a_preview_of_new_schools(client, staff, taganrog):
    client.force_login(staff)
    assert client.get(reverse("schools:import_upload", args=[taganrog.pk])).status_code == 200
    response = upload(client, taganrog, xlsx([school_row(1), school_row(2)]))
    draft = RegistryImport.objects.get(created_by=staff)
    assert response.url == reverse("schools:import_preview", args=[draft.pk])
    page = client.get(response.url).content.decode()
    assert "Новых школ: <strong>2</strong>" in page
    assert "МОБУ СОШ № 901" in page and 'class="table-success"' in page
    assert ">Загрузить</button>" in page
    assert not Organisation.objects.filter(name="МОБУ СОШ № 901").exists()  # only a preview


def test_the_preview_shows_each_change_old_and_new_and_counts_the_unchanged(client, staff, taganrog):
    registry_import(
        municipality=taganrog,
        content=xlsx([school_row(1), school_row(2)]),
        file_name="a.xlsx",
        by=staff,
        dry_run=False,
    )
    client.force_login(staff)
    response = upload(
        client, taganrog, xlsx([school_row(1, address="ул. Старая"), school_row(2), school_row(3)])
    )
    page = client.get(response.url).content.decode()
    assert "<td>Адрес</td><td>г. Таганрог, ул. Новая, д. 1</td><td>ул. Старая</td>" in page
    assert "<summary>Без изменений: 1</summary>" in page
    assert "Новых школ: <strong>1</strong>, изменённых: <strong>1</strong>" in page


def test_errors_are_listed_row_by_row_and_there_is_no_confirm_button(client, staff, taganrog):
    client.force_login(staff)
    response = upload(client, taganrog, xlsx([school_row(1), school_row(2, inn="123")]))
    page = client.get(response.url).content.decode()
    assert "Строка 3 («МОБУ СОШ № 902»): «ИНН» 123: ИНН — 10 цифр" in page
    assert ">Загрузить</button>" not in page


def test_the_confirmation_imports_and_says_how_much(client, staff, taganrog, draft):
    response = client.post(reverse("schools:import_preview", args=[draft.pk]))
    assert said(response) == ["Загружено: создано 2, обновлено 0, без изменений 0."]
    # The registry's page of the municipality when its slice is merged, the registry until then.
    assert response.url in (
        "/schools/registry/",
        f"/schools/registry/m/{taganrog.pk}/",
        f"/schools/registry/{taganrog.pk}/",
    )
    assert Organisation.objects.filter(inn__in=[inn(1), inn(2)]).count() == 2
    draft.refresh_from_db()
    assert draft.confirmed_at is not None


def test_a_second_confirmation_imports_nothing_and_says_so(client, staff, taganrog, draft):
    client.post(reverse("schools:import_preview", args=[draft.pk]))
    school = Organisation.objects.get(inn=inn(1))
    response = client.post(reverse("schools:import_preview", args=[draft.pk]))
    assert said(response)[-1] == "Этот файл уже загружен; повторная загрузка ничего не изменила."
    assert school.history.count() == 1
    page = client.get(reverse("schools:import_preview", args=[draft.pk])).content.decode()
    assert "Этот файл уже загружен" in page


def test_a_confirmation_with_errors_imports_nothing(client, staff, taganrog):
    client.force_login(staff)
    upload(client, taganrog, xlsx([school_row(1), school_row(2, year="когда-то")]))
    draft = RegistryImport.objects.get(created_by=staff)
    response = client.post(reverse("schools:import_preview", args=[draft.pk]))
    assert response.url == reverse("schools:import_preview", args=[draft.pk])
    assert said(response) == [
        "В файле есть ошибки: ничего не загружено. Исправьте их и загрузите файл снова."
    ]
    assert not Organisation.objects.filter(inn=inn(1)).exists()
    draft.refresh_from_db()
    assert draft.confirmed_at is None


@pytest.mark.parametrize(
    ("content", "name", "said"),
    [
        (
            b"%PDF-1.4 nothing",
            "реестр.pdf",
            "Это документ PDF, а нужна таблица Excel (.xlsx) или CSV со списком школ.",
        ),
        (b"a;b\n1;2\n", "реестр.csv", "В файле не найдена строка заголовков"),
        (xlsx([]), "реестр.xlsx", "В таблице нет ни одной школы"),
    ],
)
def test_a_file_that_is_no_registry_is_refused_at_once_and_not_kept(
    client, staff, taganrog, content, name, said
):
    client.force_login(staff)
    response = upload(client, taganrog, content, name=name)
    assert response.status_code == 200
    assert said in response.content.decode()
    assert not RegistryImport.objects.exists()


def test_the_template_has_the_headers_and_an_example_that_imports(client, staff, taganrog):
    client.force_login(staff)
    response = client.get(reverse("schools:import_template", args=[taganrog.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [c.title for c in COLUMNS]
    assert len(rows) == 2
    summary = registry_import(
        municipality=taganrog, content=response.content, file_name="t.xlsx", by=staff, dry_run=True
    )
    assert (summary.created, summary.errors) == (1, [])


@pytest.mark.parametrize("name", ["schools:import_upload", "schools:import_template"])
def test_an_outsider_does_not_find_taganrog(client, outsider, taganrog, name):
    client.force_login(outsider)
    assert client.get(reverse(name, args=[taganrog.pk])).status_code == 404


def test_an_outsider_does_not_find_a_taganrog_draft(client, outsider, draft):
    client.force_login(outsider)
    assert client.get(reverse("schools:import_preview", args=[draft.pk])).status_code == 404
    assert client.post(reverse("schools:import_preview", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.confirmed_at is None


@pytest.mark.parametrize(
    ("persona", "status"),
    # The coordinator sees the municipality and does not run it; a principal sees only the
    # school (``get_municipality_for_manager``: 404 unseen, 403 seen).
    [("coordinator", 403), ("principal", 404), ("region_viewer", 403)],
)
@pytest.mark.parametrize("name", ["schools:import_upload", "schools:import_template"])
def test_readers_of_the_city_may_not_import(client, request, taganrog, persona, status, name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(name, args=[taganrog.pk])).status_code == status
    assert upload(client, taganrog, xlsx([school_row(1)])).status_code == status
    assert not RegistryImport.objects.exists()


@pytest.mark.parametrize("persona", ["coordinator", "principal"])
def test_readers_of_the_city_do_not_find_a_draft(client, request, draft, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(reverse("schools:import_preview", args=[draft.pk])).status_code == 404
    assert not Organisation.objects.filter(inn=inn(1)).exists()


def test_another_staff_member_of_the_city_cannot_open_my_draft(client, staff, taganrog, draft):
    colleague = get_user_model().objects.create_user("uo2", password="x")
    department = Membership.objects.filter(user=staff, role=Membership.Role.STAFF).first().organisation
    Membership.objects.create(user=colleague, organisation=department, role=Membership.Role.STAFF)
    client.force_login(colleague)
    assert client.get(reverse("schools:import_preview", args=[draft.pk])).status_code == 404
    assert client.post(reverse("schools:import_preview", args=[draft.pk])).status_code == 404


def test_the_superuser_opens_any_draft(client, superuser, draft):
    client.force_login(superuser)
    assert client.get(reverse("schools:import_preview", args=[draft.pk])).status_code == 200


def test_unconfirmed_drafts_older_than_a_day_go_when_a_new_one_comes(client, staff, taganrog, draft):
    RegistryImport.objects.filter(pk=draft.pk).update(created_at=timezone.now() - timedelta(days=2))
    upload(client, taganrog, xlsx([school_row(3)]))
    assert list(RegistryImport.objects.values_list("file_name", flat=True)) == ["реестр.xlsx"]
    assert not RegistryImport.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("rows", [5, 50])
def test_the_preview_and_the_confirmation_cost_a_bounded_number_of_queries_per_row(
    client, staff, taganrog, django_assert_max_num_queries, rows
):
    client.force_login(staff)
    upload(client, taganrog, xlsx([school_row(n) for n in range(rows)]))
    draft = RegistryImport.objects.get(created_by=staff)
    url = reverse("schools:import_preview", args=[draft.pk])
    # A new school costs 8: its savepoint and its release, its insert and its history, its
    # director's and its status's inserts and histories (per-row saves keep the history); the
    # page and the confirmation some 20 more (measured: 58 and 61 at 5 rows, 418 and 421 at 50).
    with django_assert_max_num_queries(25 + 8 * rows):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(25 + 8 * rows):
        assert client.post(url).status_code == 302
    # The same file again: an unchanged school costs its savepoint and its release only.
    upload(client, taganrog, xlsx([school_row(n) for n in range(rows)]))
    again = RegistryImport.objects.filter(confirmed_at=None).get()
    with django_assert_max_num_queries(20 + 2 * rows):
        page = client.get(reverse("schools:import_preview", args=[again.pk])).content.decode()
    assert f"<summary>Без изменений: {rows}</summary>" in page
