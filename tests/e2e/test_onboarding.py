"""A department starts from an empty municipality and an XLSX registry and, without the admin,
brings in its schools, statuses, a mentor pair, a coordinator and the directors, each director
with a working login: in Chromium, with the real SMTP sink and the personal-data consent on."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from openpyxl import Workbook
from playwright.sync_api import expect

from config.celery import app
from schools.consent.queries import forget_current_text
from schools.models import (
    ConsentAcceptance,
    ConsentText,
    CoordinatorAssignment,
    Membership,
    MentorPair,
    Municipality,
    Organisation,
    Person,
    Region,
    SchoolStatus,
    academic_year_label,
    current_academic_year,
)
from tests.schools.imports.conftest import HEADER, inn
from tests.schools.invitations.conftest import link_in

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path("/tmp/onboard-shots")
DEPARTMENT = "Отдел образования Администрации Новоозёрного района"
PASSWORD = "Zvonok-Pristan-58"  # the director's new password: long, not common, not like the name

SCHOOLS = [
    # full name, short name, director, e-mail, status
    (
        "МБОУ Новоозёрная СОШ № 1",
        "Новоозёрная СОШ № 1",
        "Смирнова Анна Петровна",
        "smirnova@nov-sosh1.ru",
        "ШНОР",
    ),
    ("МБОУ Берёзовская СОШ", "Берёзовская СОШ", "Орлов Игорь Семёнович", "orlov@berez-sosh.ru", "ШНСУ"),
    ("МБОУ лицей № 3", "Лицей № 3", "Кузнецова Мария Ильинична", "kuznetsova@licey3.ru", "Школа-наставник"),
]

BADGE = {"ШНОР": "ШНОР", "ШНСУ": "ШНСУ", "Школа-наставник": "наставник"}  # as the registry marks them


@pytest.fixture
def department(portal, settings):
    """An empty municipality of the demo's Ростовская область: its department with a staff
    user (the demo password) and a coordinator, and no school yet. The consent is on, with a
    published text (the live database is flushed, so the migration's text is gone)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PERSONAL_DATA_CONSENT_REQUIRED = True
    region = Region.objects.get(name="Ростовская область")
    municipality = Municipality.objects.create(region=region, name="Новоозёрный район")
    office = Organisation.objects.create(
        region=region, municipality=municipality, kind=Organisation.Kind.DEPARTMENT, name=DEPARTMENT
    )
    users = get_user_model().objects
    staff = users.create_user(
        "uo_novoozerny",
        email="uo@novoozerny-obr.ru",
        password="demo-2026",
        first_name="Елена",
        last_name="Власова",
    )
    Membership.objects.create(user=staff, organisation=office, role=Membership.Role.STAFF)
    coordinator = users.create_user(
        "koord_novoozerny",
        email="koord@novoozerny-obr.ru",
        password="demo-2026",
        first_name="Ольга",
        last_name="Ткаченко",
    )
    Membership.objects.create(user=coordinator, organisation=office, role=Membership.Role.COORDINATOR)
    Person.objects.create(
        full_name="Ткаченко Ольга Викторовна",
        position="Главный специалист",
        organisation=office,
        email=coordinator.email,
        user=coordinator,
    )
    ConsentText.objects.create(
        text="Я даю согласие оператору портала на обработку моих ФИО, должности и адреса электронной почты."
    )
    forget_current_text()
    yield municipality
    forget_current_text()


@pytest.fixture
def mailbox(sink, settings, portal):
    """Mail goes to the real SMTP sink with links to the live portal; the invitation's task runs
    in this process even when the PostgreSQL/Redis pass points Celery at Redis."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = portal
    yield sink
    app.conf.task_always_eager = previous


def registry_xlsx(year_label: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for n, (name, short, director, email, status) in enumerate(SCHOOLS, start=1):
        address = f"Ростовская обл., Новоозёрный р-н, ул. Школьная, д. {n}"
        school_email = f"school{n}@novoozerny-obr.ru"
        sheet.append([name, short, inn(500 + n), address, director, email, school_email, status, year_label])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def consent_accept(page) -> None:
    expect(page.get_by_role("heading", name="Согласие на обработку персональных данных")).to_be_visible()
    page.get_by_label("Я даю согласие на обработку моих персональных данных").check()
    page.get_by_role("button", name="Подтвердить согласие").click()
    page.wait_for_load_state()


def test_a_department_brings_in_its_schools_and_a_director_logs_in_through_the_mailed_link(
    browser, login, portal, department, mailbox, tmp_path
):
    year = current_academic_year()
    year_label = academic_year_label(year)
    visited: list[str] = []  # every address both browsers asked for: none of the admin's

    # The department's specialist logs in: the consent first, then «Школы» in the navbar.
    page = login("uo_novoozerny")
    asked: list[str] = []  # the questions of data-confirm, each answered «OK»
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.on("request", lambda request: visited.append(request.url))
    consent_accept(page)
    page.locator("#nav").get_by_role("link", name="Школы", exact=True).click()
    expect(page.get_by_role("heading", name="Школы: Новоозёрный район")).to_be_visible()
    expect(page.get_by_text("В реестре пока нет школ")).to_be_visible()

    # The XLSX registry: three new schools in the preview, nothing saved before the confirmation.
    page.get_by_role("link", name="Загрузить реестр (XLSX)").click()
    upload = tmp_path / "реестр школ.xlsx"
    upload.write_bytes(registry_xlsx(year_label))
    page.set_input_files("input[type=file]", str(upload))
    page.get_by_role("button", name="Прочитать файл").click()
    expect(page.get_by_role("heading", name="Проверка файла «реестр школ.xlsx»")).to_be_visible()
    expect(page.get_by_text("Новых школ: 3, изменённых: 0, без изменений: 0.")).to_be_visible()
    for n, (name, _short, director, email, status) in enumerate(SCHOOLS, start=1):
        row = page.get_by_role("row").filter(has_text=name)
        expect(row).to_contain_text(inn(500 + n))
        expect(row).to_contain_text(director)
        expect(row).to_contain_text(email)
        expect(row).to_contain_text(f"{status} на {year_label}")
    shot(page, "1-preview")
    assert not Organisation.objects.filter(municipality=department, kind=Organisation.Kind.SCHOOL).exists()
    page.get_by_role("button", name="Загрузить", exact=True).click()

    # The registry lists them with their directors and statuses of this academic year.
    expect(page.get_by_text("Загружено: создано 3, обновлено 0, без изменений 0.")).to_be_visible()
    assert asked == ["Загрузить реестр: новых школ 3, изменённых 0?"]
    expect(page.get_by_text("Найдено школ: 3")).to_be_visible()
    table = page.locator("table.registry-table")
    for name, _short, director, email, status in SCHOOLS:
        row = table.get_by_role("row").filter(has_text=name)
        expect(row).to_contain_text(director)
        expect(row).to_contain_text(email)
        expect(row).to_contain_text("нет учётной записи")
        expect(row.locator(".badge").filter(has_text=BADGE[status])).to_have_count(1)
    shot(page, "2-registry-after-import")

    # The mentor school takes the ШНОР school, and the coordinator is assigned to it.
    pairs = page.locator("#pairs")
    pairs.get_by_label("Школа-наставник").select_option(label="Лицей № 3")
    pairs.get_by_label("Курируемая школа").select_option(label="Новоозёрная СОШ № 1")
    pairs.get_by_role("button", name="Добавить пару").click()
    expect(page.get_by_text("Пара наставничества добавлена")).to_be_visible()
    expect(page.locator("#pairs").get_by_text("Лицей № 3 → Новоозёрная СОШ № 1")).to_be_visible()
    coordinators = page.locator("#coordinators")
    coordinators.get_by_label("Координатор").select_option(label=f"Ткаченко Ольга Викторовна — {DEPARTMENT}")
    coordinators.get_by_label("Школа").select_option(label="Новоозёрная СОШ № 1")
    coordinators.get_by_role("button", name="Закрепить").click()
    expect(page.get_by_text("Координатор закреплён")).to_be_visible()
    mentee_row = (
        page.locator("table.registry-table").get_by_role("row").filter(has_text="МБОУ Новоозёрная СОШ № 1")
    )
    expect(mentee_row).to_contain_text("наставник: Лицей № 3")
    expect(mentee_row).to_contain_text("Ткаченко Ольга Викторовна")
    shot(page, "3-registry-with-pair-and-coordinator")
    ids = page.locator("[id]").evaluate_all("nodes => nodes.map(n => n.id)")
    assert len(ids) == len(set(ids)), "the two forms of the page share no id (each label names its field)"

    mentee = Organisation.objects.get(municipality=department, name="МБОУ Новоозёрная СОШ № 1")
    assert set(
        SchoolStatus.objects.filter(school__municipality=department, academic_year=year).values_list(
            "school__short_name", "kind"
        )
    ) == {
        ("Новоозёрная СОШ № 1", SchoolStatus.Kind.LOW_RESULTS),
        ("Берёзовская СОШ", SchoolStatus.Kind.UNFAVOURABLE),
        ("Лицей № 3", SchoolStatus.Kind.MENTOR),
    }
    assert MentorPair.objects.filter(
        mentor__short_name="Лицей № 3", mentee=mentee, academic_year=year
    ).exists()
    assert CoordinatorAssignment.objects.filter(
        coordinator__full_name="Ткаченко Ольга Викторовна", school=mentee, academic_year=year
    ).exists()

    # «Пользователи»: the three directors are invited at once, each by mail.
    page.locator("main").get_by_role("link", name="Пользователи", exact=True).click()
    expect(page.get_by_role("heading", name="Пользователи: Новоозёрный район")).to_be_visible()
    page.get_by_role("button", name="Пригласить директоров (3)").click()
    expect(page.get_by_text("Приглашения отправляются директорам: 3.")).to_be_visible()
    assert asked[-1] == "Отправить приглашения директорам школ: 3? Каждый получит письмо со ссылкой."
    messages = mailbox.wait_for(3)
    assert sorted(m["To"] for m in messages) == sorted(email for *_, email, _status in SCHOOLS)
    shot(page, "4-users-after-invitations")
    link = link_in(mailbox.to("smirnova@nov-sosh1.ru")[0])
    assert link.startswith(f"{portal}/schools/users/invite/")

    # The director opens the link in a browser of their own, sets a password, gives the consent
    # and lands on «Мои мероприятия» of their school.
    director_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    try:
        director = director_context.new_page()
        director.on("request", lambda request: visited.append(request.url))
        director.set_default_timeout(15_000)
        director.goto(link)
        expect(director.get_by_role("heading", name="Приглашение на портал «Дорожные карты»")).to_be_visible()
        expect(director.get_by_text("smirnova@nov-sosh1.ru").first).to_be_visible()
        expect(director.get_by_text("МБОУ Новоозёрная СОШ № 1")).to_be_visible()
        shot(director, "5-accept")
        director.fill("#id_password1", PASSWORD)
        director.fill("#id_password2", PASSWORD)
        director.get_by_role("button", name="Сохранить пароль и войти").click()
        consent_accept(director)
        expect(director.get_by_role("heading", name="Мои мероприятия")).to_be_visible()
        expect(director.get_by_role("link", name="Новоозёрная СОШ № 1")).to_be_visible()
        # No roadmap names the new school yet: the page says why it is empty and what comes.
        expect(director.get_by_role("status")).to_contain_text("пока нет мероприятий вашей школы")
        shot(director, "6-my-activities")
        account = get_user_model().objects.get(username="smirnova@nov-sosh1.ru")
        assert ConsentAcceptance.objects.filter(user=account).count() == 1

        # Out and in again with the e-mail and the new password: no consent asked twice.
        director.get_by_role("button", name="Выйти").click()
        director.goto(f"{portal}/accounts/login/")
        director.fill("#id_username", "smirnova@nov-sosh1.ru")
        director.fill("#id_password", PASSWORD)
        director.click("button[type=submit]")
        expect(director.get_by_role("heading", name="Мои мероприятия")).to_be_visible()
        expect(director.get_by_role("link", name="Новоозёрная СОШ № 1")).to_be_visible()

        # The same link a second time: used, and the page says so.
        response = director.goto(link)
        assert response.status == 410
        expect(
            director.get_by_text("Приглашение уже принято: по этой ссылке больше не войти.")
        ).to_be_visible()
        shot(director, "7-link-used")
    finally:
        director_context.close()

    # Back as the department: the director has logged in, and the figure says one.
    page.reload()
    expect(page.locator('#adoption-summary [data-stage="logged_in"]')).to_have_text("1")
    expect(page.locator('#adoption-list tr[data-stage="logged_in"]')).to_have_count(1)
    expect(page.locator('#adoption-list tr[data-stage="logged_in"]')).to_contain_text("Новоозёрная СОШ № 1")
    expect(
        page.locator("#accounts").get_by_role("row").filter(has_text="smirnova@nov-sosh1.ru")
    ).to_contain_text("Последний вход")
    shot(page, "8-users-after-login")
    page.locator("main").get_by_role("link", name="Школы", exact=True).click()
    row = page.locator("table.registry-table").get_by_role("row").filter(has_text="МБОУ Новоозёрная СОШ № 1")
    expect(row).to_contain_text("входил ")

    # All of it without the admin.
    assert visited and not [url for url in visited if url.startswith(f"{portal}/admin/")]
