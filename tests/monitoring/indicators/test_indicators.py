"""Target indicators of a roadmap: who reads and enters values, how values read against the target,
and a fixed number of queries whatever the number of values."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring.demo.indicators import load_demo_indicators
from monitoring.indicators.queries import indicator_latest_values
from monitoring.models import IndicatorValue
from roadmaps.models import Roadmap, TargetIndicator
from schools.models import Organisation

pytestmark = pytest.mark.django_db

PERSONAS = ["superuser", "staff", "coordinator", "principal", "mentor", "region_viewer", "outsider"]


@pytest.fixture
def taganrog():
    return Roadmap.objects.get(source_key="002_taganrog")


@pytest.fixture
def school6():
    return Organisation.objects.get(name="МОБУ СОШ № 6")


@pytest.fixture
def school12():
    return Organisation.objects.get(name="МАОУ СОШ № 12")


@pytest.fixture
def indicator(taganrog):
    """A share that must fall from 20 % to 10 %."""
    return TargetIndicator.objects.create(
        roadmap=taganrog,
        order=50,
        name="Доля обучающихся с отметкой «2» по ВПР",
        unit="%",
        baseline_value=Decimal("20"),
        target_value=Decimal("10"),
        higher_is_better=False,
    )


def page_url(roadmap) -> str:
    return reverse("monitoring:roadmap_indicators", args=[roadmap.pk])


def section(html: str, indicator) -> str:
    """The part of the page about one indicator."""
    start = html.index(f'id="indicator-{indicator.pk}"')
    return html[start : html.index("</section>", start)]


def post_value(client, indicator, school, value="15", as_of=None, follow=False, **extra):
    prefix = f"value-{indicator.pk}"
    data = {
        f"{prefix}-school": school.pk if school else "",
        f"{prefix}-as_of": (as_of or date(2023, 5, 20)).isoformat(),
        f"{prefix}-value": value,
        f"{prefix}-text": "",
        f"{prefix}-comment": "",
        **{f"{prefix}-{k}": v for k, v in extra.items()},
    }
    return client.post(reverse("monitoring:indicator_value_create", args=[indicator.pk]), data, follow=follow)


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_of_taganrog_reads_the_indicators_and_the_outsider_gets_404(
    client, request, persona, taganrog, indicator
):
    client.force_login(request.getfixturevalue(persona))
    for url in [page_url(taganrog), reverse("monitoring:indicator_values", args=[indicator.pk])]:
        response = client.get(url)
        if persona == "outsider":
            assert response.status_code == 404
        else:
            assert response.status_code == 200
            assert "Доля обучающихся с отметкой «2» по ВПР" in response.content.decode()


@pytest.mark.parametrize(
    "persona, status",
    [
        ("superuser", 302),
        ("staff", 302),
        ("principal", 302),  # their own school
        ("coordinator", 403),
        ("mentor", 403),
        ("region_viewer", 403),
        ("outsider", 404),
    ],
)
def test_who_enters_a_value_for_school_6(client, request, persona, status, indicator, school6):
    client.force_login(request.getfixturevalue(persona))
    assert post_value(client, indicator, school6).status_code == status
    assert IndicatorValue.objects.filter(indicator=indicator, school=school6).exists() == (status == 302)


def test_a_principal_cannot_enter_a_value_for_another_school_or_the_whole_roadmap(
    client, principal, indicator, school12
):
    client.force_login(principal)
    assert post_value(client, indicator, school12).status_code == 403
    assert post_value(client, indicator, None).status_code == 403
    assert not IndicatorValue.objects.filter(indicator=indicator).exists()


def test_a_principal_enters_values_of_their_own_school_roadmap_as_a_whole(client, principal, school6):
    load_demo_indicators()
    own = Roadmap.objects.get(source_key="demo_school6_antirisk")
    indicator = own.indicators.get(name__startswith="Доля обучающихся 9-х классов")
    client.force_login(principal)
    response = post_value(client, indicator, None, value="86", as_of=own.period_start)
    assert response.status_code == 302
    assert IndicatorValue.objects.get(indicator=indicator, school=None, as_of=own.period_start).value == 86


def test_staff_enter_a_value_and_the_page_shows_it_against_the_target(
    client, staff, indicator, school6, school12
):
    client.force_login(staff)
    response = post_value(client, indicator, school6, value="15")
    assert response.status_code == 302 and response.url.endswith(f"#indicator-{indicator.pk}")
    post_value(client, indicator, school12, value="8,5")
    html = section(client.get(page_url(indicator.roadmap)).content.decode(), indicator)
    six = html[html.index("МОБУ СОШ № 6") :]
    six = six[: six.index("</tr>")]
    assert "15 %" in six and 'aria-valuenow="50"' in six and "не достигнуто" in six
    twelve = html[html.index("МАОУ СОШ № 12") :]
    twelve = twelve[: twelve.index("</tr>")]
    assert "8,5 %" in twelve and 'aria-valuenow="100"' in twelve and ">достигнуто<" in twelve
    assert "достигнуто: 1 из 2" in html
    assert "показатель должен снижаться" in html


def test_a_growing_indicator_is_reached_at_or_above_the_target(client, staff, taganrog, school6, school12):
    indicator = TargetIndicator.objects.create(
        roadmap=taganrog, name="Средний балл ОГЭ", baseline_value=3, target_value=4, unit="балл"
    )
    client.force_login(staff)
    post_value(client, indicator, school6, value="3,25")
    post_value(client, indicator, school12, value="4")
    latest = {v.school_id: v for v in indicator_latest_values(taganrog).filter(indicator=indicator)}
    assert latest[school6.pk].achieved is False and round(latest[school6.pk].progress) == 25
    assert latest[school12.pk].achieved is True and round(latest[school12.pk].progress) == 100


def test_the_latest_value_per_school_wins_and_the_history_keeps_them_all(client, staff, indicator, school6):
    client.force_login(staff)
    post_value(client, indicator, school6, value="18", as_of=date(2023, 1, 10))
    post_value(client, indicator, school6, value="12", as_of=date(2023, 5, 10))
    post_value(client, indicator, None, value="16", as_of=date(2023, 3, 1))
    with CaptureQueriesContext(connection) as queries:
        latest = {v.school_id: v.value for v in indicator_latest_values(indicator.roadmap)}
    assert len(queries) == 1
    assert latest == {school6.pk: 12, None: 16}
    history = client.get(reverse("monitoring:indicator_values", args=[indicator.pk])).content.decode()
    assert "10.01.2023" in history and "10.05.2023" in history and "дорожная карта в целом" in history


def test_a_second_value_on_the_same_date_corrects_the_first(client, staff, indicator, school6):
    client.force_login(staff)
    post_value(client, indicator, school6, value="18")
    response = post_value(client, indicator, school6, value="17", follow=True)
    assert IndicatorValue.objects.get(indicator=indicator, school=school6).value == 17
    assert "исправлено" in response.content.decode()


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"value": ""}, "Укажите значение числом или словами."),
        ({"value": "много"}, "Введите число, например 84 или 84,5."),
        ({"as_of": "2099-01-01"}, "не на будущую"),
        ({"as_of": ""}, "Укажите дату."),
    ],
)
def test_a_bad_value_is_refused_in_russian(client, staff, indicator, school6, fields, message):
    client.force_login(staff)
    data = {"school": school6.pk, "as_of": "2023-05-20", "value": "12", **fields}
    data = {f"value-{indicator.pk}-{k}": v for k, v in data.items()}
    response = client.post(reverse("monitoring:indicator_value_create", args=[indicator.pk]), data)
    assert response.status_code == 400
    assert message in section(response.content.decode(), indicator)
    assert not IndicatorValue.objects.filter(indicator=indicator).exists()


def test_a_school_outside_the_roadmap_is_refused(client, staff, indicator):
    kozelsk_school = Organisation.objects.schools().exclude(
        municipality=indicator.roadmap.owner.municipality
    )[0]
    client.force_login(staff)
    response = post_value(client, indicator, kozelsk_school)
    assert response.status_code == 400
    assert "Выберите школу из списка школ дорожной карты." in response.content.decode()


def test_a_value_in_words_is_kept_and_shown_without_a_bar(client, staff, indicator, school6):
    client.force_login(staff)
    post_value(client, indicator, school6, value="", text="на уровне района")
    html = section(client.get(page_url(indicator.roadmap)).content.decode(), indicator)
    assert "на уровне района" in html and 'role="progressbar"' not in html


@pytest.mark.parametrize(
    "persona, status",
    [("superuser", 302), ("staff", 302), ("principal", 403), ("coordinator", 403), ("mentor", 403),
     ("region_viewer", 403), ("outsider", 404)],
)  # fmt: skip
def test_who_sets_the_baseline_and_the_target(client, request, persona, status, indicator):
    client.force_login(request.getfixturevalue(persona))
    prefix = f"target-{indicator.pk}"
    data = {f"{prefix}-unit": "%", f"{prefix}-baseline_value": "25", f"{prefix}-target_value": "12,5"}
    response = client.post(reverse("monitoring:indicator_update", args=[indicator.pk]), data)
    assert response.status_code == status
    indicator.refresh_from_db()
    changed = (indicator.baseline_value, indicator.target_value, indicator.higher_is_better)
    if status == 302:
        assert changed == (25, Decimal("12.5"), False)
    else:
        assert changed == (20, 10, False)


@pytest.mark.parametrize(
    "baseline, target, higher, message",
    [
        ("20", "10", "on", "Целевое значение меньше базового, а показатель должен расти."),
        ("10", "20", "", "Целевое значение больше базового, а показатель должен снижаться."),
        ("10", "10", "on", "Целевое значение совпадает с базовым"),
        ("10", "", "on", "Укажите и базовое, и целевое значение"),
    ],
)
def test_a_target_that_contradicts_the_direction_is_refused(
    client, staff, indicator, baseline, target, higher, message
):
    client.force_login(staff)
    prefix = f"target-{indicator.pk}"
    data = {f"{prefix}-baseline_value": baseline, f"{prefix}-target_value": target}
    if higher:
        data[f"{prefix}-higher_is_better"] = higher
    response = client.post(reverse("monitoring:indicator_update", args=[indicator.pk]), data)
    assert response.status_code == 400
    assert message in section(response.content.decode(), indicator)
    indicator.refresh_from_db()
    assert (indicator.baseline_value, indicator.target_value) == (20, 10)


@pytest.mark.parametrize(
    "persona, whose, status",
    [("staff", "school12", 302), ("principal", "school6", 302), ("principal", "school12", 403),
     ("coordinator", "school6", 403), ("region_viewer", "school6", 403), ("outsider", "school6", 404)],
)  # fmt: skip
def test_who_deletes_a_value(client, request, persona, whose, status, indicator):
    value = IndicatorValue.objects.create(
        indicator=indicator, school=request.getfixturevalue(whose), as_of=date(2023, 5, 1), value=14
    )
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("monitoring:indicator_value_delete", args=[value.pk]))
    assert response.status_code == status
    assert IndicatorValue.objects.filter(pk=value.pk).exists() == (status != 302)


def test_writes_need_post(client, staff, indicator):
    client.force_login(staff)
    assert client.get(reverse("monitoring:indicator_value_create", args=[indicator.pk])).status_code == 405
    assert client.get(reverse("monitoring:indicator_update", args=[indicator.pk])).status_code == 405


def _fill(indicators, schools, dates: int) -> None:
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=i, school=s, as_of=date(2022, 9, 1) + timedelta(days=7 * d), value=10 + d % 7
        )
        for i in indicators
        for s in [*schools, None]
        for d in range(dates)
    )


@pytest.mark.parametrize("persona", ["staff", "principal", "region_viewer"])
def test_the_page_and_the_history_take_the_same_queries_at_two_sizes(
    client, request, persona, taganrog, indicator
):
    load_demo_indicators()
    schools = list(Organisation.objects.filter(roadmap_links__roadmap=taganrog))
    client.force_login(request.getfixturevalue(persona))
    pages = [page_url(taganrog), reverse("monitoring:indicator_values", args=[indicator.pk])]
    counts = []
    for size in (1, 40):
        IndicatorValue.objects.filter(indicator__roadmap=taganrog).delete()
        _fill(taganrog.indicators.all(), schools, size)
        with CaptureQueriesContext(connection) as queries:
            for url in pages:
                assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 40 * (len(schools) + 1)
    assert counts[0] == counts[1] and counts[1] <= 20


def test_the_demo_gives_numbers_and_values_and_loads_once():
    added = load_demo_indicators()
    assert added > 0 and load_demo_indicators() == 0
    ivanteevka = Roadmap.objects.get(source_key="001_ivanteevka")
    staff_training = ivanteevka.indicators.get(name__startswith="Обеспечение качественной подготовки")
    assert (staff_training.baseline_value, staff_training.target_value) == (60, 100)
    assert staff_training.values.filter(school__isnull=False).values("school").distinct().count() == 3
    assert (
        ivanteevka.indicators.get(name__startswith="Рост познавательной").values.filter(school=None).exists()
    )
    taganrog = Roadmap.objects.get(source_key="002_taganrog")
    assert taganrog.indicators.filter(target_value__isnull=False).count() == 2
    own = Roadmap.objects.get(source_key="demo_school6_antirisk")
    assert own.indicators.filter(higher_is_better=False, values__isnull=False).exists()
