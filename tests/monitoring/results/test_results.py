"""School results: the school's page against the municipal average, the form, the municipality's
page; views × personas and a fixed number of queries at two data sizes."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring.demo.results import load_demo_results
from monitoring.models import ExamResult, OlympiadResult
from monitoring.results.queries import municipal_average
from schools.models import Organisation

pytestmark = pytest.mark.django_db

PERSONAS = ["superuser", "staff", "coordinator", "principal", "mentor", "region_viewer", "outsider"]
WRITERS = {"superuser", "staff", "principal"}


@pytest.fixture
def schools():
    taganrog = Organisation.objects.schools().filter(municipality__name="г. Таганрог")
    return {name: taganrog.get(name=name) for name in ["МОБУ СОШ № 6", "МАОУ СОШ № 12", "МОБУ СОШ № 31"]}


@pytest.fixture
def school6(schools):
    return schools["МОБУ СОШ № 6"]


def result(school, average, participants, year=2025, exam="oge", subject="Математика", grade=9, **figures):
    return ExamResult.objects.create(
        school=school,
        year=year,
        exam=exam,
        subject=subject,
        grade=grade,
        participants=participants,
        average_score=None if average is None else Decimal(str(average)),
        **figures,
    )


def page(school) -> str:
    return reverse("monitoring:school_results", args=[school.pk])


EXAM_FORM = {
    "exam-year": "2025",
    "exam-exam": "oge",
    "exam-subject": "математика",
    "exam-grade": "9",
    "exam-participants": "48",
    "exam-average_score": "3,62",
    "exam-failed_percent": "8,5",
    "exam-high_percent": "41",
}


def post_exam(client, school, follow=False, **fields):
    data = {**EXAM_FORM, **{f"exam-{k}": v for k, v in fields.items()}}
    return client.post(reverse("monitoring:exam_result_create", args=[school.pk]), data, follow=follow)


# --- Who sees and who changes -------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_school_page_per_persona(client, request, persona, school6):
    result(school6, 3.4, 50)
    client.force_login(request.getfixturevalue(persona))
    response = client.get(page(school6))
    if persona == "outsider":
        assert response.status_code == 404
        return
    html = response.content.decode()
    assert response.status_code == 200 and "МО: 3,40" in html
    assert ("Добавить или исправить результат" in html) == (persona in WRITERS)


@pytest.mark.parametrize(
    "persona, status",
    [("superuser", 302), ("staff", 302), ("principal", 302), ("coordinator", 403), ("mentor", 403),
     ("region_viewer", 403), ("outsider", 404)],
)  # fmt: skip
def test_who_adds_a_result_for_school_6(client, request, persona, status, school6):
    client.force_login(request.getfixturevalue(persona))
    assert post_exam(client, school6).status_code == status
    assert ExamResult.objects.filter(school=school6).exists() == (status == 302)


def test_a_principal_does_not_even_see_another_school(client, principal, schools):
    client.force_login(principal)
    other = schools["МАОУ СОШ № 12"]
    assert client.get(page(other)).status_code == 404
    assert post_exam(client, other).status_code == 404
    assert not ExamResult.objects.filter(school=other).exists()


@pytest.mark.parametrize(
    "persona, status",
    [("staff", 302), ("principal", 302), ("coordinator", 403), ("region_viewer", 403), ("outsider", 404)],
)
def test_who_deletes_a_result(client, request, persona, status, school6):
    row = result(school6, 3.4, 50)
    olympiad = OlympiadResult.objects.create(
        school=school6, academic_year=2024, level="school", participants=9
    )
    client.force_login(request.getfixturevalue(persona))
    assert client.post(reverse("monitoring:exam_result_delete", args=[row.pk])).status_code == status
    assert client.post(reverse("monitoring:olympiad_result_delete", args=[olympiad.pk])).status_code == status
    assert ExamResult.objects.filter(pk=row.pk).exists() == (status != 302)
    assert OlympiadResult.objects.filter(pk=olympiad.pk).exists() == (status != 302)


@pytest.mark.parametrize(
    "persona, status",
    [("superuser", 302), ("staff", 302), ("principal", 302), ("coordinator", 403), ("mentor", 403),
     ("region_viewer", 403), ("outsider", 404)],
)  # fmt: skip
def test_who_adds_olympiad_participation_for_school_6(client, request, persona, status, school6):
    client.force_login(request.getfixturevalue(persona))
    data = {"olympiad-academic_year": "2025", "olympiad-level": "school", "olympiad-participants": "30"}
    response = client.post(reverse("monitoring:olympiad_result_create", args=[school6.pk]), data)
    assert response.status_code == status
    assert OlympiadResult.objects.filter(school=school6).exists() == (status == 302)


# --- The municipal average ----------------------------------------------------------------


def test_the_municipal_average_is_weighted_by_participants_in_one_query(schools):
    six, twelve, thirty_one = schools.values()
    mine = result(six, 3.0, 10)
    result(twelve, 4.0, 30)
    result(thirty_one, None, 50, failed_percent=Decimal("10"))  # gave no average: not counted in it
    result(twelve, 2.0, 99, year=2024)  # another year
    result(twelve, 2.0, 99, subject="Русский язык")  # another subject
    kozelsk = Organisation.objects.schools().exclude(municipality=six.municipality).first()
    result(kozelsk, 2.0, 500)  # another municipality
    with CaptureQueriesContext(connection) as queries:
        row = ExamResult.objects.annotate(
            avg=municipal_average("average_score", six.municipality_id),
            failed=municipal_average("failed_percent", six.municipality_id),
        ).get(pk=mine.pk)
    assert len(queries) == 1
    assert row.avg == pytest.approx((3.0 * 10 + 4.0 * 30) / 40)
    assert row.failed == pytest.approx(10)


def test_the_page_shows_each_year_against_the_average_with_arrows_and_colours(client, staff, schools):
    six, twelve, _ = schools.values()
    result(six, 3.2, 20, year=2024)
    result(twelve, 3.8, 20, year=2024)
    result(six, 3.9, 20, year=2025)
    result(twelve, 3.5, 20, year=2025)
    client.force_login(staff)
    html = client.get(page(six)).content.decode()
    row = html[
        html.index("<tbody>", html.index("results-table")) : html.index(
            "</tbody>", html.index("results-table")
        )
    ]
    y2024, y2025 = row.split('<td class="text-center ')[1:3]
    assert y2024.startswith("table-danger") and "3,20" in y2024 and "МО: 3,50" in y2024
    assert y2025.startswith("table-success") and "3,90" in y2025 and "МО: 3,70" in y2025
    assert "↑" in y2025 and "text-success" in y2025


def test_for_the_share_of_twos_less_is_better(client, staff, schools):
    six, twelve, _ = schools.values()
    result(six, 3.5, 20, year=2024, failed_percent=Decimal("20"))
    result(six, 3.5, 20, year=2025, failed_percent=Decimal("10"))
    result(twelve, 3.5, 20, year=2025, failed_percent=Decimal("30"))
    client.force_login(staff)
    html = client.get(page(six) + "?metric=failed_percent").content.decode()
    cell = html.split('<td class="text-center ')[2]
    assert cell.startswith("table-success") and "10,00" in cell and "МО: 20,00" in cell
    assert "↓" in cell and "text-success" in cell and "лучше, чем годом раньше" in cell


def test_the_chart_gets_the_school_and_the_municipal_figures(client, staff, schools):
    six, twelve, _ = schools.values()
    result(six, 3.0, 10, year=2024)
    result(twelve, 4.0, 10, year=2024)
    result(six, 3.5, 10, year=2025)
    client.force_login(staff)
    html = client.get(page(six)).content.decode()
    start = html.index('id="results-chart-data"')
    data = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert data == [
        {
            "title": "ОГЭ, Математика, 9 класс",
            "metric": "Средний балл",
            "years": [2024, 2025],
            "school": [3.0, 3.5],
            "municipal": [3.5, 3.5],
        }
    ]
    assert "chart.umd.min.js" in html


# --- The form -----------------------------------------------------------------------------


def test_staff_add_a_result_and_the_subject_is_written_as_usual(client, staff, school6):
    client.force_login(staff)
    response = post_exam(client, school6, follow=True)
    saved = ExamResult.objects.get(school=school6)
    assert (saved.subject, saved.average_score, saved.failed_percent, saved.entered_by) == (
        "Математика",
        Decimal("3.62"),
        Decimal("8.5"),
        staff,
    )
    assert "Результат добавлен: ОГЭ, Математика, 9 класс, 2025." in response.content.decode()


def test_the_same_year_exam_subject_and_grade_again_corrects_the_result(client, principal, school6):
    client.force_login(principal)
    post_exam(client, school6)
    response = post_exam(client, school6, follow=True, average_score="3,8", subject="Математика")
    assert ExamResult.objects.filter(school=school6).count() == 1
    assert ExamResult.objects.get(school=school6).average_score == Decimal("3.8")
    assert "Результат исправлен" in response.content.decode()


def test_correct_opens_the_form_filled_in(client, staff, school6, schools):
    row = result(school6, 3.41, 52)
    client.force_login(staff)
    html = client.get(page(school6) + f"?result={row.pk}").content.decode()
    form = html[html.index('id="exam-form"') :]
    assert 'value="3,41"' in form and 'value="52"' in form and "Удалить этот результат" in form
    other = result(schools["МАОУ СОШ № 12"], 3.0, 10)
    assert client.get(page(school6) + f"?result={other.pk}").status_code == 404


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"failed_percent": "120"}, "Процент — число от 0 до 100."),
        ({"high_percent": "-1"}, "Процент — число от 0 до 100."),
        ({"grade": "12"}, "Класс — число от 1 до 11."),
        ({"grade": "5"}, "ОГЭ сдают в 9 классе."),
        ({"exam": "ege", "grade": "9", "average_score": "70"}, "ЕГЭ сдают в 10–11 классе."),
        (
            {"exam": "vpr", "grade": "5", "average_score": "7"},
            "Средний балл ВПР и ОГЭ — средняя отметка, от 2 до 5.",
        ),
        (
            {"failed_percent": "60", "high_percent": "50"},
            "Доля «2» и доля высоких результатов вместе больше 100%.",
        ),
        ({"average_score": "", "failed_percent": "", "high_percent": ""}, "Укажите хотя бы средний балл"),
        ({"year": "2099"}, "Год — не позже"),
        ({"year": "две тысячи"}, "Год — целое число, например 2025."),
        ({"participants": "0"}, "Участников должно быть не меньше одного."),
        ({"exam": "gve"}, "Выберите ВПР, ОГЭ или ЕГЭ."),
        ({"average_score": "3.5.1"}, "Введите число, например 3,85."),
        ({"subject": ""}, "Укажите предмет."),
    ],
)
def test_a_bad_result_is_refused_with_a_russian_message(client, staff, school6, fields, message):
    client.force_login(staff)
    response = post_exam(client, school6, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ExamResult.objects.filter(school=school6).exists()


def test_olympiad_participation_is_added_corrected_and_checked(client, staff, school6):
    client.force_login(staff)
    url = reverse("monitoring:olympiad_result_create", args=[school6.pk])
    data = {
        "olympiad-academic_year": "2025",
        "olympiad-level": "municipal",
        "olympiad-participants": "12",
        "olympiad-winners": "1",
        "olympiad-prize_winners": "3",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "olympiad-participants": "14"}).status_code == 302
    saved = OlympiadResult.objects.get(school=school6)
    assert (saved.academic_year, saved.participants, saved.winners, saved.prize_winners) == (2025, 14, 1, 3)
    response = client.post(url, {**data, "olympiad-winners": "10", "olympiad-prize_winners": "10"})
    assert response.status_code == 400
    assert "Победителей и призёров вместе не может быть больше, чем участников." in response.content.decode()
    html = client.get(page(school6)).content.decode()
    assert "2025/2026" in html and "Муниципальный этап" in html


# --- The municipality's page --------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, status",
    [("superuser", 200), ("staff", 200), ("coordinator", 200), ("region_viewer", 200),
     ("principal", 404), ("mentor", 404), ("outsider", 404)],
)  # fmt: skip
def test_the_municipality_page_per_persona(client, request, persona, status, school6):
    result(school6, 3.4, 50)
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("monitoring:municipality_results", args=[school6.municipality_id]))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "МОБУ СОШ № 6" in html
        assert ("Загрузить из Excel" in html) == (persona in {"superuser", "staff"})


def test_the_municipality_page_lists_the_weakest_school_first_against_the_average(
    client, coordinator, schools
):
    six, twelve, thirty_one = schools.values()
    result(six, 3.6, 10)
    result(twelve, 3.1, 30)
    result(thirty_one, 4.0, 10)
    result(twelve, 3.0, 30, year=2024)
    client.force_login(coordinator)
    url = reverse("monitoring:municipality_results", args=[six.municipality_id])
    html = client.get(url, {"series": "oge|Математика|9", "year": "2025"}).content.decode()
    assert html.index("МАОУ СОШ № 12") < html.index("МОБУ СОШ № 6") < html.index("МОБУ СОШ № 31")
    assert "средний балл <strong>3,38</strong>" in html  # (3.6·10 + 3.1·30 + 4.0·10) / 50
    assert "3,00" in html  # СОШ № 12 a year before


def _fill(schools, series: int, years: int) -> None:
    ExamResult.objects.bulk_create(
        ExamResult(
            school=school,
            year=2026 - y,
            exam="vpr",
            subject=f"Предмет {s:02}",
            grade=5,
            participants=20 + s,
            average_score=Decimal("3.5"),
            failed_percent=Decimal("10"),
        )
        for school in schools
        for s in range(series)
        for y in range(years)
    )


@pytest.mark.parametrize("persona", ["staff", "principal", "region_viewer"])
def test_the_school_page_takes_the_same_queries_at_two_sizes(client, request, persona, school6):
    taganrog = list(Organisation.objects.schools().filter(municipality=school6.municipality))
    client.force_login(request.getfixturevalue(persona))
    counts = []
    for series, years in [(1, 1), (30, 8)]:
        ExamResult.objects.all().delete()
        OlympiadResult.objects.all().delete()
        _fill(taganrog, series, years)
        OlympiadResult.objects.bulk_create(
            OlympiadResult(school=school6, academic_year=2025 - y, level="school", participants=5)
            for y in range(years)
        )
        with CaptureQueriesContext(connection) as queries:
            html = client.get(page(school6)).content.decode()
        counts.append(len(queries))
    assert "Страница 1 из 3" in html
    assert counts[0] == counts[1] and counts[1] <= 12


def test_the_municipality_page_takes_the_same_queries_at_two_sizes(client, staff, school6):
    taganrog = list(Organisation.objects.schools().filter(municipality=school6.municipality))
    extra = Organisation.objects.bulk_create(
        Organisation(region=school6.region, municipality=school6.municipality, name=f"МОБУ СОШ № {100 + i}")
        for i in range(30)
    )
    client.force_login(staff)
    url = reverse("monitoring:municipality_results", args=[school6.municipality_id])
    counts = []
    for schools, series in [(taganrog[:2], 1), (taganrog + extra, 20)]:
        ExamResult.objects.all().delete()
        _fill(schools, series, 3)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        counts.append(len(queries))
    assert "Страница 1 из 2" in html
    assert counts[0] == counts[1] and counts[1] <= 12


def test_the_demo_results_load_once():
    added = load_demo_results()
    assert added > 400 and load_demo_results() == 0
    six = Organisation.objects.get(name="МОБУ СОШ № 6")
    assert set(six.exam_results.values_list("exam", flat=True)) == {"vpr", "oge", "ege"}
    assert six.olympiad_results.exists()
