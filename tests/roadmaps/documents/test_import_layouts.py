"""Layouts of real department files (issue #13): section rows typed as plain rows, tables
continued on the next page, stamps and signatures around the roadmap.

The files are built here with literal numbers and direct bold runs, so that they read the
same whatever the readers learn about list numbering and styles.
"""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from openpyxl import Workbook

from roadmaps.documents.importer import import_roadmap, summary

HEADER = ["№ п/п", "Мероприятие", "Сроки", "Ответственный", "Ожидаемый результат"]


class Bold(str):
    """A cell typed in bold."""


def docx(*blocks) -> bytes:
    """Paragraphs (str), page breaks (PAGE) and tables (lists of rows) in order. A row is a
    list of cell texts; None merges a cell into the one on its left."""
    document = Document()
    for block in blocks:
        if block is PAGE:
            run = document.add_paragraph().add_run()
            br = OxmlElement("w:br")
            br.set(qn("w:type"), "page")
            run._r.append(br)
        elif isinstance(block, str):
            document.add_paragraph(block)
        else:
            _table(document, block)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


PAGE = object()


def _table(document, rows: list[list[str | None]]) -> None:
    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    for r, row in enumerate(rows):
        for c, value in enumerate(row + [""] * (width - len(row))):
            if value is None:
                continue
            cell = table.cell(r, c)
            span = 1
            while c + span < len(row) and row[c + span] is None:
                span += 1
            if span > 1:
                cell = cell.merge(table.cell(r, c + span - 1))
                for extra in cell.paragraphs[1:]:
                    extra._p.getparent().remove(extra._p)
            paragraph = cell.paragraphs[0]
            for i, line in enumerate(value.split("\n")):
                if i:
                    paragraph = cell.add_paragraph()
                paragraph.add_run(line).bold = isinstance(value, Bold) or None


def rows_of(data: dict) -> list[tuple]:
    """(section heading, number, content, deadline, responsible, parent number) of every row."""
    out = []

    def add(rows, section, parent=None):
        for row in rows:
            out.append((section, row["number"], row["content"], row["deadline"], row["responsible"], parent))
            add(row["children"], section, row["number"])

    def walk(sections):
        for s in sections:
            add(s["activities"], s["heading"])
            walk(s["subsections"])

    add(data["activities"], None)
    walk(data["sections"])
    return out


def sections_of(data: dict) -> list[tuple[str, str, str, int]]:
    """(kind, number, title, depth) of every section in document order."""
    out = []

    def walk(sections, depth):
        for s in sections:
            out.append((s["kind"], s["number"], s["title"], depth))
            walk(s["subsections"], depth + 1)

    walk(data["sections"], 0)
    return out


# Section rows that are not merged across the table.


def test_bold_text_alone_in_the_content_column_is_a_section():
    data = import_roadmap(
        docx(
            [
                HEADER,
                ["", Bold("Организационные мероприятия"), "", "", ""],
                ["1.1", "Назначение координатора", "Январь 2023 г.", "Управление образования", "Приказ"],
                ["1.2", "Разработка дорожной карты", "Февраль 2023 г.", "Управление образования", ""],
                ["2.", Bold("Методическое сопровождение"), "", "", ""],
                ["2.1", "Семинары для учителей", "в течение года", "РМО", ""],
            ]
        )
    )
    assert sections_of(data) == [
        ("section", "", "Организационные мероприятия", 0),
        ("section", "2", "Методическое сопровождение", 0),
    ]
    assert rows_of(data) == [
        (
            "Организационные мероприятия",
            "1.1",
            "Назначение координатора",
            "Январь 2023 г.",
            "Управление образования",
            None,
        ),
        (
            "Организационные мероприятия",
            "1.2",
            "Разработка дорожной карты",
            "Февраль 2023 г.",
            "Управление образования",
            None,
        ),
        ("2. Методическое сопровождение", "2.1", "Семинары для учителей", "в течение года", "РМО", None),
    ]


@pytest.mark.parametrize(
    ("row", "section"),
    [
        (
            ["", "Раздел 2. Организационные мероприятия", "", "", ""],
            ("section", "2", "Организационные мероприятия"),
        ),
        (
            ["Раздел 2. Организационные мероприятия", "", "", "", ""],
            ("section", "2", "Организационные мероприятия"),
        ),
        (
            ["Раздел 2.", "Организационные мероприятия", "", "", ""],
            ("section", "2", "Организационные мероприятия"),
        ),
        (["", "Раздел II. Методическая поддержка", "", "", ""], ("section", "II", "Методическая поддержка")),
        (["", "Этап 1. Подготовительный", "", "", ""], ("stage", "1", "Подготовительный")),
        (["", "Итоговый этап", "", "", ""], ("stage", "", "Итоговый этап")),
        (["1. Организационные условия", "", "", "", ""], ("section", "1", "Организационные условия")),
    ],
)
def test_a_row_that_names_itself_a_section_is_one(row, section):
    data = import_roadmap(
        docx(
            [
                HEADER,
                row,
                ["1.", "Издание приказа", "16.02.2023", "Морозова О.Л.", ""],
                ["2.", "Совещание с директорами", "Март 2023 г.", "Баркалова Е.В.", ""],
            ]
        )
    )
    assert [s[:3] for s in sections_of(data)] == [section]
    heading = data["sections"][0]["heading"]
    assert heading == " ".join(filter(None, row)).strip()
    assert rows_of(data) == [
        (heading, "1.", "Издание приказа", "16.02.2023", "Морозова О.Л.", None),
        (heading, "2.", "Совещание с директорами", "Март 2023 г.", "Баркалова Е.В.", None),
    ]


def test_a_numbered_row_over_rows_numbered_under_it_is_a_section():
    data = import_roadmap(
        docx(
            [
                HEADER,
                ["8.", "Работа с обучающимися", "", "", ""],
                ["8.1", "Информирование о календаре олимпиад", "декабрь", "Управление образования", ""],
                ["9.", "Работа со школами, имеющими низкие образовательные результаты", "", "", ""],
                *[[f"9.{i}", f"Мероприятие 9.{i}", "по отдельному графику", "ОО", ""] for i in range(1, 8)],
            ]
        )
    )
    assert sections_of(data) == [
        ("section", "8", "Работа с обучающимися", 0),
        ("section", "9", "Работа со школами, имеющими низкие образовательные результаты", 0),
    ]
    nine = "9. Работа со школами, имеющими низкие образовательные результаты"
    assert rows_of(data) == [
        (
            "8. Работа с обучающимися",
            "8.1",
            "Информирование о календаре олимпиад",
            "декабрь",
            "Управление образования",
            None,
        ),
        *[(nine, f"9.{i}", f"Мероприятие 9.{i}", "по отдельному графику", "ОО", None) for i in range(1, 8)],
    ]
    assert summary(data)["activities"] == 8


def test_a_row_numbered_in_roman_numerals_over_arabic_ones_is_a_section():
    data = import_roadmap(
        docx(
            [
                HEADER,
                ["I.", "Диагностика", "", "", ""],
                ["1.", "Анализ результатов ВПР", "Март 2023 г.", "МЦ", ""],
                ["2.", "Анкетирование учителей", "Апрель 2023 г.", "МЦ", ""],
                ["II.", "Сопровождение", "", "", ""],
                ["3.", "Собеседования с директорами", "Май 2023 г.", "УО", ""],
            ]
        )
    )
    assert sections_of(data) == [("section", "I", "Диагностика", 0), ("section", "II", "Сопровождение", 0)]
    assert rows_of(data) == [
        ("I. Диагностика", "1.", "Анализ результатов ВПР", "Март 2023 г.", "МЦ", None),
        ("I. Диагностика", "2.", "Анкетирование учителей", "Апрель 2023 г.", "МЦ", None),
        ("II. Сопровождение", "3.", "Собеседования с директорами", "Май 2023 г.", "УО", None),
    ]


def test_numbered_sections_hold_numbered_subsections():
    data = import_roadmap(
        docx(
            [
                HEADER,
                ["1.", "Организационные условия", "", "", ""],
                ["1.1.", "Нормативная база", "", "", ""],
                ["1.1.1.", "Издание приказа", "Январь 2023 г.", "УО", ""],
                ["1.1.2.", "Положение о кураторах", "Февраль 2023 г.", "УО", ""],
                ["1.2.", "Кадры", "", "", ""],
                ["1.2.1.", "Назначение координатора", "Январь 2023 г.", "УО", ""],
                ["2.", "Мониторинг", "", "", ""],
                ["2.1.", "Анализ результатов ВПР", "Май 2023 г.", "МЦ", ""],
            ]
        )
    )
    assert sections_of(data) == [
        ("section", "1", "Организационные условия", 0),
        ("section", "1.1", "Нормативная база", 1),
        ("section", "1.2", "Кадры", 1),
        ("section", "2", "Мониторинг", 0),
    ]
    assert rows_of(data) == [
        ("1.1. Нормативная база", "1.1.1.", "Издание приказа", "Январь 2023 г.", "УО", None),
        ("1.1. Нормативная база", "1.1.2.", "Положение о кураторах", "Февраль 2023 г.", "УО", None),
        ("1.2. Кадры", "1.2.1.", "Назначение координатора", "Январь 2023 г.", "УО", None),
        ("2. Мониторинг", "2.1.", "Анализ результатов ВПР", "Май 2023 г.", "МЦ", None),
    ]


@pytest.mark.parametrize("bold", [False, True])
def test_an_activity_over_its_unnumbered_parts_stays_an_activity(bold):
    parent = Bold("Организация цикла вебинаров:") if bold else "Организация цикла вебинаров:"
    data = import_roadmap(
        docx(
            [
                HEADER,
                ["5.", "Банк практик", "30 мая 2023 г.", "Баркалова Е.В.", ""],
                ["6.", parent, "", "", ""],
                ["", "- «Система восполнения дефицитов»", "27 апреля 2023 г.", "Земляненко Н.В.", ""],
                ["", "- «Опыт вовлечения учителей»", "11 мая 2023 г.", "Чумак И.В.", ""],
                ["7.", "Мониторинг результатов", "Июнь 2023 г.", "Баркалова Е.В.", ""],
            ]
        )
    )
    assert data["sections"] == []
    assert rows_of(data) == [
        (None, "5.", "Банк практик", "30 мая 2023 г.", "Баркалова Е.В.", None),
        (None, "6.", "Организация цикла вебинаров:", "", "", None),
        (None, "", "- «Система восполнения дефицитов»", "27 апреля 2023 г.", "Земляненко Н.В.", "6."),
        (None, "", "- «Опыт вовлечения учителей»", "11 мая 2023 г.", "Чумак И.В.", "6."),
        (None, "7.", "Мониторинг результатов", "Июнь 2023 г.", "Баркалова Е.В.", None),
    ]
    assert summary(data)["activities"] == 3


def test_bold_headings_in_an_unnumbered_plan_are_sections():
    data = import_roadmap(
        docx(
            [
                ["Мероприятие", "Срок", "Ответственные"],
                [Bold("Диагностика"), "", ""],
                ["Закрепление кураторов", "Февраль 2021", "Отдел образования"],
                ["Проведение анализа", "Февраль-март 2021", "Отдел образования"],
                [Bold("Сопровождение"), "", ""],
                ["Консультации по факторам риска", "Март-апрель 2021", "Руководители ОО"],
            ]
        )
    )
    assert sections_of(data) == [("section", "", "Диагностика", 0), ("section", "", "Сопровождение", 0)]
    assert rows_of(data) == [
        ("Диагностика", "", "Закрепление кураторов", "Февраль 2021", "Отдел образования", None),
        ("Диагностика", "", "Проведение анализа", "Февраль-март 2021", "Отдел образования", None),
        ("Сопровождение", "", "Консультации по факторам риска", "Март-апрель 2021", "Руководители ОО", None),
    ]


# A table continued on the next page.

FIRST_PAGE = [
    HEADER,
    ["1.", "Издание приказа", "Январь 2023 г.", "Управление образования", "Приказ"],
    ["2.", "Обсуждение программы помощи школе совместно с", "Январь", "Управление", "Программы"],
]
NEXT_PAGE = [
    ["", "Руководством школы и Школой-наставником", "2023 г.", "образования, ОО", "перехода"],
    ["3.", "Мониторинг", "Май 2023 г.", "ОО", ""],
]
NUMBERS = ["1", "2", "3", "4", "5"]
SPLIT_TABLES = {
    "header repeated exactly": [FIRST_PAGE, PAGE, [HEADER, *NEXT_PAGE]],
    "header and column numbers repeated": [FIRST_PAGE, PAGE, [HEADER, NUMBERS, *NEXT_PAGE]],
    "header repeated with other whitespace": [
        FIRST_PAGE,
        PAGE,
        [["№\nп/п", " Мероприятие", "Сроки ", "Ответственный", "Ожидаемый  результат"], *NEXT_PAGE],
    ],
    "header not repeated": [FIRST_PAGE, PAGE, NEXT_PAGE],
    "«Продолжение таблицы» over the piece": [FIRST_PAGE, "Продолжение таблицы 1", [HEADER, *NEXT_PAGE]],
    "one table, the header repeated inside it": [[*FIRST_PAGE, HEADER, NUMBERS, *NEXT_PAGE]],
}


@pytest.mark.parametrize("blocks", SPLIT_TABLES.values(), ids=SPLIT_TABLES.keys())
def test_a_row_split_by_the_page_is_rejoined_whatever_letter_it_goes_on_with(blocks):
    data = import_roadmap(docx(*blocks))
    assert [(r[1], r[2], r[3], r[4]) for r in rows_of(data)] == [
        ("1.", "Издание приказа", "Январь 2023 г.", "Управление образования"),
        (
            "2.",
            "Обсуждение программы помощи школе совместно с Руководством школы и Школой-наставником",
            "Январь 2023 г.",
            "Управление образования, ОО",
        ),
        ("3.", "Мониторинг", "Май 2023 г.", "ОО"),
    ]
    assert data["sections"] == [] and data["activities"][1]["expected_result"] == "Программы перехода"


def test_a_part_of_the_activity_above_at_the_top_of_the_page_stays_a_part():
    data = import_roadmap(
        docx(
            [
                HEADER,
                ["7.2", "Проведение мониторинга:", "", "", ""],
                ["", "- выполнение программ учебных предметов", "апрель", "ОО", ""],
            ],
            PAGE,
            [
                HEADER,
                [
                    "",
                    "- результаты успеваемости обучающихся",
                    "январь, июнь",
                    "Управление образования, ОО",
                    "",
                ],
                ["7.3", "Подготовка материалов", "август", "Управление образования", ""],
            ],
        )
    )
    assert rows_of(data) == [
        (None, "7.2", "Проведение мониторинга:", "", "", None),
        (None, "", "- выполнение программ учебных предметов", "апрель", "ОО", "7.2"),
        (
            None,
            "",
            "- результаты успеваемости обучающихся",
            "январь, июнь",
            "Управление образования, ОО",
            "7.2",
        ),
        (None, "7.3", "Подготовка материалов", "август", "Управление образования", None),
    ]


def test_a_bold_section_at_the_top_of_the_page_is_a_section():
    data = import_roadmap(
        docx(
            [HEADER, ["1.", "Издание приказа", "Январь 2023 г.", "УО", ""]],
            PAGE,
            [
                HEADER,
                ["", Bold("Методическое сопровождение"), "", "", ""],
                ["2.", "Семинар", "Март 2023 г.", "РМО", ""],
            ],
        )
    )
    assert sections_of(data) == [("section", "", "Методическое сопровождение", 0)]
    assert rows_of(data) == [
        (None, "1.", "Издание приказа", "Январь 2023 г.", "УО", None),
        ("Методическое сопровождение", "2.", "Семинар", "Март 2023 г.", "РМО", None),
    ]


def test_inside_one_table_an_unnumbered_row_in_capitals_is_an_activity():
    data = import_roadmap(
        docx(
            [
                HEADER,
                ["7.", "Курсы повышения квалификации", "Октябрь 2021 г.", "МБОУ ДПО МЦ", ""],
                [
                    "",
                    "Внесение в план-график курсовой подготовки",
                    "Ноябрь – декабрь 2021 г.",
                    "МБОУ ДПО МЦ",
                    "",
                ],
                ["8.", "Семинар", "Январь 2022 г.", "МБОУ ДПО МЦ", ""],
            ]
        )
    )
    assert rows_of(data) == [
        (None, "7.", "Курсы повышения квалификации", "Октябрь 2021 г.", "МБОУ ДПО МЦ", None),
        (
            None,
            "",
            "Внесение в план-график курсовой подготовки",
            "Ноябрь – декабрь 2021 г.",
            "МБОУ ДПО МЦ",
            None,
        ),
        (None, "8.", "Семинар", "Январь 2022 г.", "МБОУ ДПО МЦ", None),
    ]


# Stamps, titles and signatures around the roadmap.

ROWS = [
    HEADER,
    ["1.", "Издание приказа", "16.02.2023", "Морозова О.Л., начальник Управления образования", ""],
    ["2.", "Совещание с директорами", "Март 2023 г.", "Руководители ОО", ""],
]
EXPECTED_ROWS = [
    (None, "1.", "Издание приказа", "16.02.2023", "Морозова О.Л., начальник Управления образования", None),
    (None, "2.", "Совещание с директорами", "Март 2023 г.", "Руководители ОО", None),
]
APPROVER = "Начальник управления образования И.О. Фамилия"
SIGNATURES = {
    "a table of the roadmap's width after it": [
        ROWS,
        [["", "Начальник управления образования", "", "____________", "И.О. Фамилия"]],
    ],
    "a borderless table of two columns after it": [
        ROWS,
        [
            ["Начальник управления образования", "____________ И.О. Фамилия"],
            ["М.П.", "«__» ________ 2023 г."],
        ],
    ],
    "rows at the end of the roadmap's table": [
        [
            *ROWS,
            ["", "Начальник управления образования", None, None, "И.О. Фамилия"],
            ["", "«__» ____ 2023 г.", "", "", ""],
        ],
    ],
    "a position and a name in two rows at the end of the table": [
        [*ROWS, ["", "Начальник управления образования", "", "", ""], ["", "", "", "", "И.О. Фамилия"]],
    ],
    "a paragraph after it": [ROWS, "", "Начальник управления образования ____________ И.О. Фамилия"],
    "lines after it, the position over two": [ROWS, "Начальник", "управления образования", "И.О. Фамилия"],
}


@pytest.mark.parametrize("blocks", SIGNATURES.values(), ids=SIGNATURES.keys())
def test_a_signature_after_the_roadmap_is_no_activity_and_names_the_approver(blocks):
    data = import_roadmap(docx("Дорожная карта сопровождения школ на 2023 год", *blocks))
    assert rows_of(data) == EXPECTED_ROWS
    assert data["approval"]["approver"] == APPROVER
    assert data["title"] == "Дорожная карта сопровождения школ на 2023 год"


STAMPS = {
    "one cell, dated": (
        [["", "УТВЕРЖДАЮ\nНачальник управления образования\n____________ И.О. Фамилия\n«15» марта 2023 г."]],
        "2023-03-15",
    ),
    "one cell, the date left blank": (
        [["", "УТВЕРЖДАЮ\nНачальник управления образования\n____________ И.О. Фамилия\n«__» ____ 2023 г."]],
        None,
    ),
    "a row per line": (
        [
            ["", "УТВЕРЖДАЮ"],
            ["", "Начальник управления образования"],
            ["", "____________ И.О. Фамилия"],
            ["", "«__» ________ 2023 г."],
        ],
        None,
    ),
    "the roadmap's width": (
        [["", "", "", "УТВЕРЖДАЮ", None], ["", "", "", "Начальник управления образования", "И.О. Фамилия"]],
        None,
    ),
}


@pytest.mark.parametrize(("stamp", "approved_on"), STAMPS.values(), ids=STAMPS.keys())
def test_a_stamp_before_the_roadmap_gives_the_approver_and_the_date(stamp, approved_on):
    data = import_roadmap(docx(stamp, "Дорожная карта сопровождения школ на 2023 год", ROWS))
    assert rows_of(data) == EXPECTED_ROWS
    assert data["approval"]["approver"] == APPROVER
    assert data["approval"]["date"] == approved_on
    assert data["title"] == "Дорожная карта сопровождения школ на 2023 год"


def test_an_order_annex_before_and_a_signature_after_fill_the_approval_together():
    data = import_roadmap(
        docx(
            [["", "Приложение к приказу Управления образования\nот 16.02.2023 № 206"]],
            "Дорожная карта сопровождения школ на 2023 год",
            "Цель: поддержка школ",
            "Задачи:",
            "- разработка комплекса мер",
            ROWS,
            [["", "Начальник управления образования", "", "____________", "И.О. Фамилия"]],
        )
    )
    assert rows_of(data) == EXPECTED_ROWS
    assert data["approval"] == {
        "kind": "приказ",
        "number": "206",
        "date": "2023-02-16",
        "approver": APPROVER,
        "text": "Приложение к приказу Управления образования от 16.02.2023 № 206",
    }
    assert data["tasks"] == ["разработка комплекса мер"]


def test_an_approver_the_approval_block_names_is_kept():
    data = import_roadmap(
        docx(
            "Приложение к приказу от 16.02.2023 № 206",
            "Утверждена: Морозова О.Л., начальник Управления образования",
            "Дорожная карта сопровождения школ",
            ROWS,
            "Начальник управления образования ____________ И.О. Фамилия",
        )
    )
    assert data["approval"]["approver"] == "Морозова О.Л., начальник Управления образования"


def test_a_row_of_a_plan_that_names_a_position_is_still_an_activity():
    data = import_roadmap(
        docx(
            [
                ["Мероприятие", "Срок", "Ответственные"],
                ["Закрепление кураторов", "Февраль 2021", "Заведующий Отделом образования"],
                ["Совещание с руководителями", "Март 2021", "Руководители ОО"],
            ]
        )
    )
    assert rows_of(data) == [
        (None, "", "Закрепление кураторов", "Февраль 2021", "Заведующий Отделом образования", None),
        (None, "", "Совещание с руководителями", "Март 2021", "Руководители ОО", None),
    ]
    assert data["approval"]["approver"] == ""


def test_an_xlsx_with_a_stamp_plain_section_rows_and_a_signature_row():
    workbook = Workbook()
    sheet = workbook.active
    for row in [
        ["", "", "", "УТВЕРЖДАЮ"],
        ["", "", "", "Начальник управления образования"],
        ["", "", "", "____________ И.О. Фамилия"],
        ["План мероприятий на 2023 год"],
        [],
        ["№", "Наименование мероприятия", "Срок исполнения", "Ответственный исполнитель"],
        ["Раздел 1. Диагностика"],
        ["1.1", "Анализ результатов ВПР", "Март 2023 г.", "МБОУ ДПО МЦ"],
        ["2.", "Сопровождение школ"],
        ["2.1", "Собеседования с директорами", "Февраль-март 2023", "Отдел образования"],
        ["2.2", "Семинары", "в течение года", "РМО"],
        [],
        ["", "Начальник управления образования", "", "И.О. Фамилия"],
    ]:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    data = import_roadmap(out.getvalue())
    assert sections_of(data) == [
        ("section", "1", "Диагностика", 0),
        ("section", "2", "Сопровождение школ", 0),
    ]
    assert rows_of(data) == [
        ("Раздел 1. Диагностика", "1.1", "Анализ результатов ВПР", "Март 2023 г.", "МБОУ ДПО МЦ", None),
        (
            "2. Сопровождение школ",
            "2.1",
            "Собеседования с директорами",
            "Февраль-март 2023",
            "Отдел образования",
            None,
        ),
        ("2. Сопровождение школ", "2.2", "Семинары", "в течение года", "РМО", None),
    ]
    assert data["title"] == "План мероприятий на 2023 год"
    assert data["approval"]["approver"] == APPROVER
