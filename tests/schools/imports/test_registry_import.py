from __future__ import annotations

import io

import pytest
from docx import Document

from schools.imports.resources import parse_statuses, parse_year
from schools.imports.services import registry_import
from schools.models import Organisation, Person, SchoolStatus, current_academic_year
from tests.schools.imports.conftest import HEADER, inn, school_row, xlsx

pytestmark = pytest.mark.django_db

Kind = SchoolStatus.Kind


def run(taganrog, staff, content: bytes, *, dry_run=False, file_name="реестр.xlsx"):
    return registry_import(
        municipality=taganrog, content=content, file_name=file_name, by=staff, dry_run=dry_run
    )


def test_a_new_school_comes_with_its_director_and_statuses(taganrog, staff):
    summary = run(taganrog, staff, xlsx([school_row(1, statuses="ШНОР, ШНСУ")]))
    assert (summary.created, summary.updated, summary.unchanged, summary.errors) == (1, 0, 0, [])
    school = Organisation.objects.get(municipality=taganrog, name="МОБУ СОШ № 901")
    assert (school.short_name, school.inn, school.email) == ("СОШ № 901", inn(1), "school1@school.ru")
    head = school.people.get(is_head=True)
    assert (head.full_name, head.email) == ("Директорова1 А.П.", "director1@school.ru")
    assert set(school.statuses.filter(academic_year=2026).values_list("kind", flat=True)) == {
        Kind.LOW_RESULTS,
        Kind.UNFAVOURABLE,
    }


def test_the_change_history_names_who_imported(taganrog, staff):
    run(taganrog, staff, xlsx([school_row(1)]))
    school = Organisation.objects.get(name="МОБУ СОШ № 901")
    assert school.history.get().history_user == staff
    assert school.people.get().history.get().history_user == staff
    assert school.statuses.get().history.get().history_user == staff


def test_a_dry_run_saves_nothing(taganrog, staff):
    before = Organisation.objects.count(), Person.objects.count(), SchoolStatus.objects.count()
    summary = run(taganrog, staff, xlsx([school_row(1), school_row(2)]), dry_run=True)
    assert summary.created == 2
    assert (Organisation.objects.count(), Person.objects.count(), SchoolStatus.objects.count()) == before


def test_a_second_import_of_a_modified_file_tells_new_changed_and_unchanged(taganrog, staff):
    run(taganrog, staff, xlsx([school_row(1), school_row(2), school_row(3)]))
    modified = xlsx(
        [
            school_row(1),
            school_row(2, address="г. Таганрог, ул. Старая, д. 2", statuses="ШНСУ"),
            school_row(3),
            school_row(4),
        ]
    )
    summary = run(taganrog, staff, modified, dry_run=True)
    assert (summary.created, summary.updated, summary.unchanged) == (1, 1, 2)
    changed = next(r for r in summary.rows if r.kind == "update")
    assert changed.line == 3
    assert [(c.field, c.old, c.new) for c in changed.changes] == [
        ("Адрес", "г. Таганрог, ул. Новая, д. 2", "г. Таганрог, ул. Старая, д. 2"),
        ("Статус 2026/2027", "ШНОР", "ШНСУ"),
    ]


def test_a_school_is_matched_by_its_inn_before_its_name(taganrog, staff):
    run(taganrog, staff, xlsx([school_row(1)]))
    summary = run(taganrog, staff, xlsx([school_row(1, name="МОБУ «Средняя школа № 901 имени Чехова»")]))
    assert (summary.created, summary.updated) == (0, 1)
    assert Organisation.objects.get(inn=inn(1)).name == "МОБУ «Средняя школа № 901 имени Чехова»"


def test_without_an_inn_a_school_is_matched_by_its_name_written_differently(taganrog, staff):
    school6 = Organisation.objects.get(municipality=taganrog, name="МОБУ СОШ № 6")
    summary = run(taganrog, staff, xlsx([school_row(1, name="МОБУ СОШ №6", inn="", short_name="")]))
    assert (summary.created, summary.updated) == (0, 1)
    school6.refresh_from_db()
    assert school6.name == "МОБУ СОШ №6"  # the file's spelling wins
    assert school6.address == "г. Таганрог, ул. Новая, д. 1"


def test_a_school_whose_short_name_says_the_same_is_still_one_match(taganrog, staff):
    run(taganrog, staff, xlsx([school_row(1, inn="")]))  # «МОБУ СОШ № 901», «СОШ № 901»
    summary = run(taganrog, staff, xlsx([school_row(1, inn="", name="МБОУ СОШ №901")]))
    assert (summary.created, summary.updated, summary.errors) == (0, 1, [])


def test_an_empty_cell_keeps_what_the_portal_has(taganrog, staff):
    run(taganrog, staff, xlsx([school_row(1)]))
    summary = run(taganrog, staff, xlsx([school_row(1, email="", address="", short_name="")]))
    assert summary.unchanged == 1
    school = Organisation.objects.get(inn=inn(1))
    assert (school.email, school.address) == ("school1@school.ru", "г. Таганрог, ул. Новая, д. 1")


def test_a_new_director_takes_the_head_and_the_old_one_stays_a_person(taganrog, staff):
    run(taganrog, staff, xlsx([school_row(1)]))
    summary = run(
        taganrog, staff, xlsx([school_row(1, director="Новикова  О. С.", director_email="new@school.ru")])
    )
    assert [(c.field, c.old, c.new) for c in summary.rows[0].changes] == [
        ("Директор", "Директорова1 А.П.", "Новикова О.С.")
    ]
    school = Organisation.objects.get(inn=inn(1))
    assert list(school.people.order_by("full_name").values_list("full_name", "is_head", "email")) == [
        ("Директорова1 А.П.", False, "director1@school.ru"),
        ("Новикова О.С.", True, "new@school.ru"),
    ]


def test_the_directors_new_email_is_a_change(taganrog, staff):
    run(taganrog, staff, xlsx([school_row(1)]))
    summary = run(taganrog, staff, xlsx([school_row(1, director_email="other@school.ru")]))
    assert [(c.field, c.new) for c in summary.rows[0].changes] == [("E-mail директора", "other@school.ru")]
    assert Person.objects.get(organisation__inn=inn(1), is_head=True).email == "other@school.ru"
    assert Organisation.objects.get(inn=inn(1)).history.count() == 1  # the school itself did not change


def test_the_status_column_is_the_truth_for_the_year_it_names(taganrog, staff):
    run(
        taganrog,
        staff,
        xlsx([school_row(1, statuses="ШНОР, ШНСУ"), school_row(2, statuses="ШНОР", year="2025")]),
    )
    run(taganrog, staff, xlsx([school_row(1, statuses="Школа-наставник")]))
    statuses = SchoolStatus.objects.filter(school__inn__in=[inn(1), inn(2)])
    assert sorted(statuses.values_list("school__inn", "academic_year", "kind")) == [
        (inn(1), 2026, Kind.MENTOR),
        (inn(2), 2025, Kind.LOW_RESULTS),  # another school, another year: untouched
    ]
    run(taganrog, staff, xlsx([school_row(1, statuses="")]))
    assert not SchoolStatus.objects.filter(school__inn=inn(1)).exists()


def test_a_file_without_the_status_column_leaves_statuses_alone(taganrog, staff):
    school6 = Organisation.objects.get(municipality=taganrog, name="МОБУ СОШ № 6")
    before = sorted(school6.statuses.values_list("academic_year", "kind"))
    assert before
    summary = run(
        taganrog, staff, xlsx([["МОБУ СОШ № 6", "г. Таганрог"]], header=["Наименование ОУ", "адрес"])
    )
    assert summary.errors == []
    assert sorted(school6.statuses.values_list("academic_year", "kind")) == before


@pytest.mark.parametrize(
    "header",
    [
        ["полное  наименование", "инн", "директор (фио)", "e-mail директора"],
        ["Наименование ОУ", "ИНН ОУ", "ФИО директора", "Эл. почта директора"],
        ["ПОЛНОЕ НАИМЕНОВАНИЕ", "ИНН", "Руководитель", "Электронная почта директора"],
    ],
)
def test_headers_are_read_whatever_their_case_spacing_or_synonym(taganrog, staff, header):
    summary = run(
        taganrog, staff, xlsx([["МОБУ СОШ № 950", inn(50), "Иванова А.А.", "i@school.ru"]], header=header)
    )
    assert (summary.created, summary.errors) == (1, [])
    assert Person.objects.get(organisation__inn=inn(50), is_head=True).email == "i@school.ru"


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("ШНОР", {Kind.LOW_RESULTS}),
        ("шнсу", {Kind.UNFAVOURABLE}),
        ("ШНОР, ШНСУ", {Kind.LOW_RESULTS, Kind.UNFAVOURABLE}),
        ("ШНОР; ШНСУ", {Kind.LOW_RESULTS, Kind.UNFAVOURABLE}),
        ("ШНОР и ШНСУ", {Kind.LOW_RESULTS, Kind.UNFAVOURABLE}),
        ("Школа-наставник", {Kind.MENTOR}),
        ("наставник", {Kind.MENTOR}),
        ("риск снижения результатов", {Kind.RISK}),
        ("Риск снижения образовательных результатов", {Kind.RISK}),
        ("", set()),
        ("нет", set()),
    ],
)
def test_status_words_as_departments_write_them(text, kinds):
    assert parse_statuses(text) == kinds


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2026/2027", 2026),
        ("2026-2027", 2026),
        ("2026 – 2027", 2026),
        ("2026/27", 2026),
        ("2026", 2026),
        ("2025 г.", 2025),
        ("", 2030),
    ],
)
def test_academic_years_as_departments_write_them(text, year):
    assert parse_year(text, today_year=2030) == year


def test_an_empty_year_is_the_current_academic_year(taganrog, staff):
    run(taganrog, staff, xlsx([school_row(1, year="")]))
    assert SchoolStatus.objects.get(school__inn=inn(1)).academic_year == current_academic_year()


def test_errors_are_told_row_by_row_in_russian(taganrog, staff):
    bad_inn = inn(3)[:-1] + str((int(inn(3)[-1]) + 1) % 10)
    rows = [
        school_row(1),
        school_row(2, inn=bad_inn),
        school_row(3, name="", inn=""),
        school_row(4, statuses="ШНОР, отличники"),
        school_row(5, year="прошлый"),
        school_row(6, director_email="директор@"),
        school_row(7, year="2026/2028"),
        school_row(1, address="другой"),
    ]
    summary = run(taganrog, staff, xlsx(rows), dry_run=True)
    assert summary.errors == [
        (3, f"«ИНН» {bad_inn}: В ИНН ошибка: не сходится контрольная цифра. Проверьте его по выписке ЕГРЮЛ."),
        (4, "Не указано «Полное наименование» школы."),
        (
            5,
            "«Статус»: не знаю статуса «отличники». Можно: ШНОР, ШНСУ, Школа-наставник, риск снижения "
            "результатов (несколько — через запятую) или пусто.",
        ),
        (6, "«Учебный год»: не понимаю «прошлый». Пишите 2026/2027, 2026-2027 или 2026."),
        (7, "«E-mail директора»: «директор@» — не адрес электронной почты."),
        (8, "«Учебный год»: «2026/2028» — годы должны идти подряд, например 2026/2027."),
        (9, "Эта школа уже есть в строке 2: одна школа — одна строка."),
    ]


def test_a_new_school_written_twice_once_with_its_inn_is_one_school(taganrog, staff):
    summary = run(taganrog, staff, xlsx([school_row(1), school_row(1, inn="", name="МБОУ СОШ №901")]))
    assert summary.errors == [(3, "Эта школа уже есть в строке 2: одна школа — одна строка.")]


def test_one_bad_row_and_nothing_is_imported(taganrog, staff):
    before = Organisation.objects.count(), Person.objects.count(), SchoolStatus.objects.count()
    summary = run(taganrog, staff, xlsx([school_row(1), school_row(2), school_row(3, email="нет почты")]))
    assert summary.errors == [(4, "«E-mail школы»: «нет почты» — не адрес электронной почты.")]
    assert (Organisation.objects.count(), Person.objects.count(), SchoolStatus.objects.count()) == before


def test_a_school_of_another_municipality_is_never_touched(taganrog, staff):
    other = Organisation.objects.schools().exclude(municipality=taganrog).first()
    summary = run(taganrog, staff, xlsx([school_row(1, name=other.name, inn=other.inn or "")]))
    assert summary.created == 1
    other.refresh_from_db()
    assert other.municipality_id != taganrog.pk


def test_a_csv_registry_reads_like_the_xlsx(taganrog, staff):
    lines = [";".join(HEADER), ";".join(school_row(1, statuses="ШНОР, ШНСУ"))]
    summary = run(taganrog, staff, "\n".join(lines).encode("cp1251"), file_name="реестр.csv")
    assert (summary.created, summary.errors) == (1, [])
    assert SchoolStatus.objects.filter(school__inn=inn(1)).count() == 2


def test_a_word_document_is_refused_in_russian(taganrog, staff):
    out = io.BytesIO()
    Document().save(out)
    summary = run(taganrog, staff, out.getvalue(), file_name="реестр.docx")
    assert summary.errors == [
        (0, "Это документ Word, а нужна таблица Excel (.xlsx) или CSV со списком школ.")
    ]
