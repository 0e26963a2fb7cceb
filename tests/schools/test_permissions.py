"""Who sees which region, municipality and school (``schools.permissions``), for every persona;
and the screens that show a municipality agree on who may open it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from schools.models import Municipality, Organisation, Region
from schools.permissions import (
    can_manage_municipality,
    can_manage_region,
    can_manage_school,
    can_see_municipality,
    can_see_region,
    can_see_school,
    get_municipality_for_manager,
    get_municipality_for_user,
    get_region_for_manager,
    get_region_for_user,
    get_school_for_manager,
    get_school_for_user,
    managed_municipalities,
    managed_regions,
    manages_anything,
    scope_of,
    visible_municipalities,
    visible_regions,
    visible_schools,
)

pytestmark = pytest.mark.django_db

PERSONAS = [
    "superuser",
    "staff",
    "coordinator",
    "principal",
    "mentor",
    "region_viewer",
    "region_staff",
    "outsider",
]
ROSTOV, KALUGA = "Ростовская область", "Калужская область"
TAGANROG, KOZELSK = "г. Таганрог", "Козельский район"
SCHOOL6, LYCEUM7, SCHOOL34 = "МОБУ СОШ № 6", "МОБУ лицей № 7", "МОБУ СОШ № 34"


def _names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


def _all(model) -> set[str]:
    queryset = model.objects.schools() if model is Organisation else model.objects.all()
    return _names(queryset)


def _of(persona: str, model) -> set[str]:
    """What each persona should see of a model: the whole country for the superuser."""
    rostov_schools = _names(Organisation.objects.schools().filter(region__name=ROSTOV))
    kozelsk_schools = _names(Organisation.objects.schools().filter(municipality__name=KOZELSK))
    taganrog_schools = _names(Organisation.objects.schools().filter(municipality__name=TAGANROG))
    expected = {
        Region: {"region_viewer": {ROSTOV}, "region_staff": {ROSTOV}},
        Municipality: {
            "staff": {TAGANROG},
            "coordinator": {TAGANROG},
            "region_viewer": _names(Municipality.objects.filter(region__name=ROSTOV)),
            "region_staff": _names(Municipality.objects.filter(region__name=ROSTOV)),
            "outsider": {KOZELSK},
        },
        Organisation: {
            "staff": taganrog_schools,
            "coordinator": taganrog_schools,
            "principal": {SCHOOL6},
            # Its own school and the schools it mentors, this year and before.
            "mentor": {LYCEUM7, SCHOOL6, SCHOOL34},
            "region_viewer": rostov_schools,
            "region_staff": rostov_schools,
            "outsider": kozelsk_schools,
        },
    }[model]
    return _all(model) if persona == "superuser" else expected.get(persona, set())


def _run_by(persona: str, model) -> set[str]:
    """What each persona runs (the registry, the people): department staff their municipality,
    region staff their region; readers nothing."""
    rostov = Municipality.objects.filter(region__name=ROSTOV)
    expected = {
        Region: {"region_staff": {ROSTOV}},
        Municipality: {"staff": {TAGANROG}, "region_staff": _names(rostov), "outsider": {KOZELSK}},
        Organisation: {
            "staff": _names(Organisation.objects.schools().filter(municipality__name=TAGANROG)),
            "region_staff": _names(Organisation.objects.schools().filter(region__name=ROSTOV)),
            "outsider": _names(Organisation.objects.schools().filter(municipality__name=KOZELSK)),
        },
    }[model]
    return _all(model) if persona == "superuser" else expected.get(persona, set())


def test_the_personas_see_what_the_tables_below_expect_and_not_nothing():
    # Guards the table itself: a seed change that empties a set would make the tests vacuous.
    assert TAGANROG in _all(Municipality) and KOZELSK in _all(Municipality)
    assert {SCHOOL6, LYCEUM7, SCHOOL34} <= _all(Organisation)
    assert _of("staff", Organisation) and _of("region_viewer", Municipality) and _of("outsider", Municipality)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("model", "visible", "can_see", "getter"),
    [
        (Region, visible_regions, can_see_region, get_region_for_user),
        (Municipality, visible_municipalities, can_see_municipality, get_municipality_for_user),
        (Organisation, visible_schools, can_see_school, get_school_for_user),
    ],
    ids=["regions", "municipalities", "schools"],
)
def test_each_persona_sees_its_part_alike_in_the_list_the_getter_and_the_test(
    request, persona, model, visible, can_see, getter
):
    user = request.getfixturevalue(persona)
    expected = _of(persona, model)
    assert _names(visible(user)) == expected
    everything = model.objects.schools() if model is Organisation else model.objects.all()
    for obj in everything.select_related(*(["region"] if model is Municipality else [])):
        assert can_see(user, obj) == (obj.name in expected), obj.name
        if obj.name in expected:
            assert getter(user, obj.pk) == obj
        else:
            with pytest.raises(Http404):
                getter(user, obj.pk)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("model", "can_manage", "getter"),
    [
        (Region, can_manage_region, get_region_for_manager),
        (Municipality, can_manage_municipality, get_municipality_for_manager),
        (Organisation, can_manage_school, get_school_for_manager),
    ],
    ids=["regions", "municipalities", "schools"],
)
def test_each_persona_runs_its_part_alike_in_the_list_the_getter_and_the_test(
    request, persona, model, can_manage, getter
):
    """Run: the getter hands it over. Seen but not run: 403. Not seen: 404, as for reading."""
    user = request.getfixturevalue(persona)
    run, seen = _run_by(persona, model), _of(persona, model)
    assert run <= seen
    if model is Municipality:
        assert _names(managed_municipalities(user)) == run
    if model is Region:
        assert _names(managed_regions(user)) == run
    assert manages_anything(user) == bool(_run_by(persona, Municipality) or _run_by(persona, Region))
    everything = model.objects.schools() if model is Organisation else model.objects.all()
    for obj in everything.select_related(*(["region"] if model is Municipality else [])):
        assert can_manage(user, obj) == (obj.name in run), obj.name
        if obj.name in run:
            assert getter(user, obj.pk) == obj
        elif obj.name in seen:
            with pytest.raises(PermissionDenied):
                getter(user, obj.pk)
        else:
            with pytest.raises(Http404):
                getter(user, obj.pk)


def test_no_one_sees_a_department_as_a_school(superuser, staff):
    department = Organisation.objects.filter(kind=Organisation.Kind.DEPARTMENT).first()
    for user in (superuser, staff):
        assert not can_see_school(user, department)
        with pytest.raises(Http404):
            get_school_for_user(user, department.pk)


def test_the_roles_are_read_once_per_request(staff, django_assert_num_queries):
    with django_assert_num_queries(2):  # memberships, the person
        scope = scope_of(staff)
    with django_assert_num_queries(0):
        assert scope_of(staff) is scope
        can_see_municipality(staff, Municipality(pk=0, region_id=0))


def test_an_anonymous_user_sees_nothing():
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser()
    assert not visible_regions(user).exists()
    assert not visible_municipalities(user).exists()
    assert not visible_schools(user).exists()


# --- One rule for a municipality: its dashboard and its documents ---------------------------


@pytest.fixture
def municipalities():
    """Таганрог, Козельский район, and one without a single roadmap."""
    empty = Municipality.objects.create(region=Region.objects.get(name=ROSTOV), name="Пустой район")
    return {name: Municipality.objects.get(name=name) for name in (TAGANROG, KOZELSK)} | {"empty": empty}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_municipality_dashboard_report_and_export_let_in_the_same_users(
    client, request, municipalities, persona, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    user = request.getfixturevalue(persona)
    client.force_login(user)
    for key, municipality in municipalities.items():
        expected = 200 if can_see_municipality(user, municipality) else 404
        answers = {
            "dashboard": client.get(reverse("monitoring:municipality_dashboard", args=[municipality.pk])),
            "report": client.get(reverse("documents:municipality_report", args=[municipality.pk])),
            "export": client.post(reverse("documents:municipality_export", args=[municipality.pk])),
        }
        assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, expected), key


def test_a_school_role_does_not_open_the_municipality_through_its_roadmaps(client, principal, mentor):
    """The principal and the mentor read some Таганрог roadmaps, not the municipality as a whole."""
    taganrog = Municipality.objects.get(name=TAGANROG)
    for user in (principal, mentor):
        client.force_login(user)
        assert client.post(reverse("documents:municipality_export", args=[taganrog.pk])).status_code == 404
        assert client.get(reverse("documents:municipality_report", args=[taganrog.pk])).status_code == 404
