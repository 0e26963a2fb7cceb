"""Roadmaps typed in Word by hand: each quirk of the real documents, read right."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook

from roadmaps.documents.columns import Field, classify
from roadmaps.documents.importer import import_roadmap, summary

HEADER = ["№ п/п", "Мероприятие", "Сроки", "Ответственный", "Ожидаемый результат"]


def rows_of(data: dict) -> list[tuple[str, str, str, str]]:
    out = []
    for row in data["activities"]:
        out.append((row["number"], row["content"], row["deadline"], row["responsible"]))
    for section in data["sections"]:
        for row in section["activities"]:
            out.append((row["number"], row["content"], row["deadline"], row["responsible"]))
    return out


@pytest.mark.parametrize(
    ("title", "field"),
    [
        ("Срок", Field.DEADLINE),
        ("Сроки", Field.DEADLINE),
        ("Срок исполнения", Field.DEADLINE),
        ("Сроки реализации", Field.DEADLINE),
        ("Ответственный", Field.RESPONSIBLE),
        ("Ответственные", Field.RESPONSIBLE),
        ("Ответственный исполнитель", Field.RESPONSIBLE),
        ("Мероприятие", Field.CONTENT),
        ("Мероприятия", Field.CONTENT),
        ("Наименование мероприятия", Field.CONTENT),
        ("Содержание деятельности", Field.CONTENT),
        ("Ожидаемый результат", Field.RESULT),
        ("Результаты исполнения", Field.RESULT),
        ("Результат", Field.RESULT),
        ("Отметка о выполнении", Field.MARK),
        ("№ п/п", Field.NUMBER),
        ("№п/п", Field.NUMBER),
        ("№", Field.NUMBER),
    ],
)
def test_it_knows_a_column_by_its_wording(title, field):
    assert classify(title) == field


def test_columns_in_any_order_are_mapped_by_their_wording(docx):
    content = (
        docx()
        .table(
            [
                ["Ответственные", "Срок исполнения", "Содержание деятельности", "№", "Результат"],
                ["Управление образования", "Май 2020 г.", "Определение координатора", "1.", "Приказ"],
            ]
        )
        .bytes()
    )
    data = import_roadmap(content)
    row = data["activities"][0]
    assert (row["number"], row["content"], row["deadline"], row["responsible"], row["expected_result"]) == (
        "1.",
        "Определение координатора",
        "Май 2020 г.",
        "Управление образования",
        "Приказ",
    )


def test_merged_section_and_stage_rows_become_sections(docx):
    content = (
        docx()
        .table(
            [
                HEADER,
                ["1. Организационные условия", None, None, None, None],
                ["1.1", "Назначение координатора", "Январь 2022", "УО", ""],
                ["5.10", "Расширение партнерства", "в течение года", "РМО", ""],
                ["Итоговый этап", None, None, None, None],
                ["I.1", "Подведение итогов", "Июнь 2023 г.", "Координатор", ""],
            ]
        )
        .bytes()
    )
    data = import_roadmap(content)
    assert [(s["kind"], s["number"], s["title"]) for s in data["sections"]] == [
        ("section", "1", "Организационные условия"),
        ("stage", "", "Итоговый этап"),
    ]
    assert [r[0] for r in rows_of(data)] == ["1.1", "5.10", "I.1"]


def test_a_heading_inside_a_stage_is_nested_in_it(docx):
    content = (
        docx()
        .table(
            [
                HEADER,
                ["Проектно-деятельностный этап", None, None, None, None],
                ["1.", "Издание приказа", "16.02.2023", "Морозова О.Л.", ""],
                ["Организация деятельности в рамках содействия региону", None, None, None, None],
                ["9.", "Участие в мониторинге", "17 марта 2023 г.", "Баркалова Е.В.", ""],
            ]
        )
        .bytes()
    )
    stage = import_roadmap(content)["sections"][0]
    assert stage["kind"] == "stage" and [a["number"] for a in stage["activities"]] == ["1."]
    heading = stage["subsections"][0]
    assert heading["kind"] == "heading" and [a["number"] for a in heading["activities"]] == ["9."]


def test_sub_items_with_their_own_deadlines_belong_to_their_activity(docx):
    content = (
        docx()
        .table(
            [
                HEADER,
                ["7.1", "Мониторинг программ", "июнь-сентябрь", "ОО", ""],
                ["7.2", "Проведение мониторинга:", "", "", "Повышение эффективности"],
                ["", "- выполнение программ", "апрель", "ОО", ""],
                ["", "- результаты успеваемости", "январь, июнь", "ОО", ""],
                ["7.3", "Подготовка материалов", "август", "ОО", ""],
            ]
        )
        .bytes()
    )
    data = import_roadmap(content)
    parent = data["activities"][1]
    assert [(c["content"], c["deadline"]) for c in parent["children"]] == [
        ("- выполнение программ", "апрель"),
        ("- результаты успеваемости", "январь, июнь"),
    ]
    assert summary(data)["activities"] == 3


def test_a_number_merged_down_over_sub_rows_makes_them_sub_items(docx):
    content = (
        docx()
        .table(
            [
                HEADER,
                ["6.", "Вебинар о дефицитах", "27 апреля 2023 г.", "Земляненко Н.В.", ""],
                ["^", "Вебинар о неуспешности", "4 мая 2023 г.", "Чумак И.В.", ""],
                ["7.", "Банк практик", "30 мая 2023 г.", "Баркалова Е.В.", ""],
            ]
        )
        .bytes()
    )
    data = import_roadmap(content)
    assert [a["number"] for a in data["activities"]] == ["6.", "7."]
    assert [c["deadline"] for c in data["activities"][0]["children"]] == ["4 мая 2023 г."]


def test_a_header_over_two_rows_and_a_row_of_column_numbers(docx):
    content = (
        docx()
        .table(
            [
                ["№", "Мероприятие", "Сроки", None, "Ответственный"],
                ["^", "^", "начало", "окончание", "^"],
                ["1", "2", "3", "4", "5"],
                ["1.", "Диагностика", "Сентябрь 2021", "Октябрь 2021", "МБОУ ДПО МЦ"],
            ]
        )
        .bytes()
    )
    data = import_roadmap(content)
    row = data["activities"][0]
    assert (row["number"], row["content"], row["responsible"]) == ("1.", "Диагностика", "МБОУ ДПО МЦ")
    assert row["deadline"] == "Сентябрь 2021\nОктябрь 2021"
    assert len(data["activities"]) == 1


def test_a_cell_cut_by_a_page_break_is_joined_to_its_row(docx):
    content = (
        docx()
        .table(
            [
                HEADER,
                ["5.3", "Организация и проведение", "в течение", "Управление", ""],
                ["", "инструктивно-методических совещаний", "года", "образования", ""],
                ["5.4", "Разработка программ", "в течение года", "ОО", ""],
            ]
        )
        .bytes()
    )
    assert rows_of(import_roadmap(content)) == [
        (
            "5.3",
            "Организация и проведение инструктивно-методических совещаний",
            "в течение года",
            "Управление образования",
        ),
        ("5.4", "Разработка программ", "в течение года", "ОО"),
    ]


def test_a_table_continued_after_a_page_break_with_its_header_repeated(docx):
    content = (
        docx()
        .table([HEADER, ["1.", "Первое", "Май 2020г.", "УО", ""]])
        .page_break()
        .table([HEADER, ["2.", "Второе", "Июнь 2020", "УО", ""]])
        .bytes()
    )
    assert [r[0] for r in rows_of(import_roadmap(content))] == ["1.", "2."]


def test_unnumbered_rows_are_activities(docx):
    content = (
        docx()
        .table(
            [
                ["Мероприятие", "Срок", "Ответственные"],
                ["Закрепление кураторов", "Февраль 2021", "Отдел образования"],
                ["Проведение анализа", "Февраль-март 2021", "Отдел образования"],
            ]
        )
        .bytes()
    )
    assert [r[:2] for r in rows_of(import_roadmap(content))] == [
        ("", "Закрепление кураторов"),
        ("", "Проведение анализа"),
    ]


def test_the_approval_block_title_goal_and_tasks_are_read(docx):
    content = (
        docx()
        .line("Приложение к приказу")
        .line("Управления образования г. Таганрога")
        .line("от «16» 02 2023 г. № 206")
        .line("")
        .line("Муниципальная дорожная карта сопровождения школ в 2022-2023 учебном году")
        .line("Цель: создание условий для перевода школ в эффективный режим работы")
        .line("Задачи:")
        .line("- разработка комплекса мер;")
        .line("- формирование педагогического сообщества")
        .table([HEADER, ["1.", "Издание приказа", "16.02.2023", "УО", ""]])
        .bytes()
    )
    data = import_roadmap(content)
    assert data["approval"] == {
        "kind": "приказ",
        "number": "206",
        "date": "2023-02-16",
        "approver": "",
        "text": "Приложение к приказу Управления образования г. Таганрога от «16» 02 2023 г. № 206",
    }
    assert data["title"] == "Муниципальная дорожная карта сопровождения школ в 2022-2023 учебном году"
    assert (data["period_start"], data["period_end"]) == ("2022-09-01", "2023-08-31")
    assert data["goal"] == "создание условий для перевода школ в эффективный режим работы"
    assert data["tasks"] == ["разработка комплекса мер;", "формирование педагогического сообщества"]


def test_a_table_before_the_roadmap_is_read_as_text(docx):
    content = (
        docx()
        .table([["", "УТВЕРЖДЕНО приказом от 24.01.2022 № 14"]])
        .line("Дорожная карта поддержки школ")
        .table([HEADER, ["1.1", "Назначение", "2021", "УО", ""]])
        .bytes()
    )
    data = import_roadmap(content)
    assert data["approval"]["number"] == "14" and data["approval"]["date"] == "2022-01-24"
    assert data["title"] == "Дорожная карта поддержки школ"


def test_an_xlsx_with_merged_sections_and_date_cells():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["План мероприятий на 2021 год"])
    sheet.append([])
    sheet.append(["№", "Наименование мероприятия", "Срок исполнения", "Ответственный исполнитель"])
    sheet.append(["I. Диагностика"])
    sheet.merge_cells("A4:D4")
    sheet.append(["1", "Анализ результатов", date(2021, 3, 15), "МБОУ ДПО МЦ"])
    sheet.append([1.1, "Собеседования", "Февраль-март 2021", "Отдел образования"])
    out = io.BytesIO()
    workbook.save(out)
    data = import_roadmap(out.getvalue())
    assert data["title"] == "План мероприятий на 2021 год"
    assert data["sections"][0]["number"] == "I" and data["sections"][0]["title"] == "Диагностика"
    assert rows_of(data) == [
        ("1", "Анализ результатов", "15.03.2021", "МБОУ ДПО МЦ"),
        ("1.1", "Собеседования", "Февраль-март 2021", "Отдел образования"),
    ]


def test_goal_tasks_and_indicators_are_found_under_word_list_numbers():
    from roadmaps.documents.preamble import read_preamble

    data = read_preamble(
        [
            "Дорожная карта по поддержке школ",
            "1. Цель: повышение качества образования",
            "2. Задачи:",
            "- адресная помощь школам",
            "III. Целевые показатели:",
            "1) доля школ, вышедших из списка ШНОР",
        ]
    )
    assert data["goal"] == "повышение качества образования"
    assert data["tasks"] == ["адресная помощь школам"]
    assert [i["name"] for i in data["indicators"]] == ["доля школ, вышедших из списка ШНОР"]
    assert data["title"] == "Дорожная карта по поддержке школ"
