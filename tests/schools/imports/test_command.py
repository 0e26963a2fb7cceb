from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from schools.models import Invitation, Municipality, Organisation, Person, Region, SchoolStatus
from tests.schools.imports.conftest import inn, school_row, xlsx

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[int, list[str]]:
    out = io.StringIO()
    try:
        call_command("import_schools", *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue().strip().splitlines()


@pytest.fixture
def registry(tmp_path):
    path = tmp_path / "реестр.xlsx"
    path.write_bytes(xlsx([school_row(1), school_row(2)]))
    return path


def counts():
    return Organisation.objects.count(), Person.objects.count(), SchoolStatus.objects.count()


def test_a_dry_run_changes_nothing_and_ends_with_the_json_summary(registry, taganrog):
    before = counts()
    code, lines = run(str(registry), "--municipality", str(taganrog.pk), "--dry-run")
    assert code == 0
    assert counts() == before
    assert (
        lines[0] == "г. Таганрог: Проверено (ничего не сохранено): создано 2, обновлено 0, без изменений 0."
    )
    assert json.loads(lines[-1]) == {"created": 2, "updated": 0, "unchanged": 0, "invited": 0, "errors": []}


def test_the_municipality_is_found_by_its_name_and_the_schools_imported(registry, taganrog):
    code, lines = run(str(registry), "--municipality", "г. Таганрог")
    assert code == 0
    assert Organisation.objects.filter(municipality=taganrog, inn__in=[inn(1), inn(2)]).count() == 2
    code, lines = run(str(registry), "--municipality", "г. Таганрог")
    assert json.loads(lines[-1])["unchanged"] == 2


def test_a_file_with_errors_imports_nothing_and_exits_with_1(tmp_path, taganrog):
    path = tmp_path / "реестр.xlsx"
    path.write_bytes(xlsx([school_row(1), school_row(2, year="позапрошлый")]))
    before = counts()
    code, lines = run(str(path), "--municipality", str(taganrog.pk))
    assert code == 1
    assert counts() == before
    assert (
        "  строка 3: «Учебный год»: не понимаю «позапрошлый». Пишите 2026/2027, 2026-2027 или 2026." in lines
    )
    assert json.loads(lines[-1])["errors"] == [
        {
            "row": 3,
            "message": "«Учебный год»: не понимаю «позапрошлый». Пишите 2026/2027, 2026-2027 или 2026.",
        }
    ]


def test_an_ambiguous_name_lists_the_regions(registry, taganrog):
    other = Region.objects.create(name="Калужская область (тест)")
    Municipality.objects.create(region=other, name="г. Таганрог")
    with pytest.raises(
        CommandError, match=r"в нескольких регионах \(Калужская область \(тест\), Ростовская область\)"
    ):
        run(str(registry), "--municipality", "г. Таганрог")


def test_an_unknown_municipality_is_said_so(registry):
    with pytest.raises(CommandError, match="Муниципалитет «Нигде» не найден"):
        run(str(registry), "--municipality", "Нигде")


def test_a_missing_file_is_said_so(tmp_path, taganrog):
    with pytest.raises(CommandError, match="не прочитан"):
        run(str(tmp_path / "нет.xlsx"), "--municipality", str(taganrog.pk))


def test_a_dry_run_invites_nobody(registry, taganrog):
    code, lines = run(str(registry), "--municipality", str(taganrog.pk), "--invite", "--dry-run")
    assert code == 0
    assert json.loads(lines[-1])["invited"] == 0
    assert not Invitation.objects.exists()
