"""The Word reader gives the text as Word shows it: automatic list numbers, the final text of
tracked changes, field results, no soft hyphens or invisible characters, bold from styles, and a
huge table refused before the document is read.

Each document is built here: python-docx for the package, raw OOXML for what python-docx cannot
write (numbering definitions, tracked changes, fields).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from xml.sax.saxutils import escape

import openpyxl
import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from roadmaps.documents.excel import read_xlsx
from roadmaps.documents.importer import import_roadmap
from roadmaps.documents.readers import tidy
from roadmaps.documents.word import read_docx
from schools.uploads import MAX_ROWS, TooManyRows

W = nsdecls("w")


# --- Builders ------------------------------------------------------------------------------


def run(text: str, props: str = "") -> str:
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(*content: str, num: tuple[int, int] | None = None, style: str = "", mark: str = "") -> str:
    """A paragraph of raw runs; ``num`` = (numId, ilvl); ``mark``: the paragraph mark's rPr."""
    ppr = ""
    if style:
        ppr += f'<w:pStyle w:val="{style}"/>'
    if num is not None:
        ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    if mark:
        ppr += f"<w:rPr>{mark}</w:rPr>"
    ppr = f"<w:pPr>{ppr}</w:pPr>" if ppr else ""
    return f"<w:p>{ppr}{''.join(run(c) if not c.startswith('<') else c for c in content)}</w:p>"


def level(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>'
    )


def abstract(abstract_id: int, *levels: str, link: str = "") -> str:
    return f'<w:abstractNum w:abstractNumId="{abstract_id}">{link}{"".join(levels)}</w:abstractNum>'


def num(num_id: int, abstract_id: int, start_override: dict[int, int] | None = None) -> str:
    overrides = "".join(
        f'<w:lvlOverride w:ilvl="{i}"><w:startOverride w:val="{v}"/></w:lvlOverride>'
        for i, v in (start_override or {}).items()
    )
    return f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>'


# «1.», «1.1.»: what departments' tables use in the number column.
OUTLINE = abstract(
    1, level(0, "decimal", "%1."), level(1, "decimal", "%1.%2."), level(2, "decimal", "%1.%2.%3.")
)


class Doc:
    """A python-docx document whose body, numbering and styles take raw OOXML."""

    def __init__(self, *numbering: str) -> None:
        self.document = Document()
        if numbering:
            part = self.document.part.part_related_by(RT.NUMBERING).element
            for child in list(part):
                part.remove(child)
            for child in parse_xml(f"<w:numbering {W}>{''.join(numbering)}</w:numbering>"):
                part.append(child)

    def style(self, xml: str) -> Doc:
        self.document.styles.element.append(parse_xml(xml.replace("<w:style ", f"<w:style {W} ", 1)))
        return self

    def add(self, *paragraphs: str) -> Doc:
        body = self.document.element.body
        for xml in paragraphs:
            body.insert(len(body) - 1, parse_xml(xml.replace("<w:p>", f"<w:p {W}>", 1)))
        return self

    def table(self, rows: list[list[str | list[str]]], row_props: dict[int, str] | None = None) -> Doc:
        """Each cell a text or a list of raw paragraphs; ``row_props``: trPr of a row by index."""
        table = self.document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                tc = table.cell(r, c)._tc
                if isinstance(value, str):
                    table.cell(r, c).text = value
                    continue
                for p in tc.findall(qn("w:p")):
                    tc.remove(p)
                for xml in value:
                    tc.append(parse_xml(xml.replace("<w:p>", f"<w:p {W}>", 1)))
        for r, props in (row_props or {}).items():
            table.rows[r]._tr.insert(0, parse_xml(f"<w:trPr {W}>{props}</w:trPr>"))
        return self

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()


def lines(content: bytes) -> list[str]:
    return [b for b in read_docx(content).blocks if isinstance(b, str) and b]


def grids(content: bytes) -> list[list[list[str]]]:
    return [[[c.text for c in row] for row in b] for b in read_docx(content).blocks if isinstance(b, list)]


# --- Automatic numbering -------------------------------------------------------------------


def test_multi_level_numbers_count_as_in_word():
    doc = Doc(OUTLINE, num(1, 1)).add(
        para("Организация", num=(1, 0)),
        para("Совещание", num=(1, 1)),
        para("Семинар", num=(1, 1)),
        para("Без номера"),
        para("Мониторинг", num=(1, 0)),
        para("Анализ ВПР", num=(1, 1)),
        para("По предметам", num=(1, 2)),
    )
    assert lines(doc.bytes()) == [
        "1. Организация",
        "1.1. Совещание",
        "1.2. Семинар",
        "Без номера",
        "2. Мониторинг",
        "2.1. Анализ ВПР",
        "2.1.1. По предметам",
    ]


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ([level(0, "decimal", "3.%1.")], ["3.1.", "3.2.", "3.3."]),
        ([level(0, "decimal", "3.%1.", start=5)], ["3.5.", "3.6.", "3.7."]),
        ([level(0, "decimal", "%1)", start=0)], ["0)", "1)", "2)"]),
        ([level(0, "decimalZero", "%1.", start=9)], ["09.", "10.", "11."]),
        ([level(0, "lowerLetter", "%1)", start=25)], ["y)", "z)", "aa)"]),
        ([level(0, "upperLetter", "%1.")], ["A.", "B.", "C."]),
        ([level(0, "russianLower", "%1)", start=9)], ["и)", "к)", "л)"]),
        ([level(0, "russianUpper", "%1.")], ["А.", "Б.", "В."]),
        ([level(0, "lowerRoman", "%1)", start=3)], ["iii)", "iv)", "v)"]),
        ([level(0, "upperRoman", "%1.", start=8)], ["VIII.", "IX.", "X."]),
        ([level(0, "bullet", "\uf0b7")], ["-", "-", "-"]),
        ([level(0, "none", "")], ["", "", ""]),
        ([level(0, "ordinal", "%1.")], ["1.", "2.", "3."]),  # a format without a rule here: decimal
    ],
)
def test_each_number_format_reads_as_word_shows_it(levels, expected):
    doc = Doc(abstract(1, *levels), num(1, 1)).table(
        [[[para(num=(1, 0))], [para(num=(1, 0))], [para(num=(1, 0))]]]
    )
    assert grids(doc.bytes()) == [[expected]]


def test_a_label_goes_before_the_text_of_a_content_cell():
    letters = abstract(2, level(0, "russianLower", "%1)"))
    bullets = abstract(3, level(0, "bullet", "o"))
    cell = [
        para("Провести:"),
        para("совещание;", num=(2, 0)),
        para("семинар.", num=(2, 0)),
        para("итог", num=(3, 0)),
    ]
    doc = Doc(letters, num(2, 2), bullets, num(3, 3)).table([[cell]])
    assert grids(doc.bytes()) == [[["Провести:\nа) совещание;\nб) семинар.\n- итог"]]]


def test_a_legal_level_shows_the_numbers_above_it_in_decimal():
    doc = Doc(
        abstract(1, level(0, "upperRoman", "%1."), level(1, "decimal", "%1.%2.", extra="<w:isLgl/>")),
        num(1, 1),
    ).add(para("Раздел", num=(1, 0)), para("Пункт", num=(1, 1)), para("Раздел", num=(1, 0)))
    assert lines(doc.bytes()) == ["I. Раздел", "1.1. Пункт", "II. Раздел"]


def test_a_level_that_never_restarts_goes_on_under_the_next_item():
    doc = Doc(
        abstract(
            1, level(0, "decimal", "%1."), level(1, "decimal", "%1.%2.", extra='<w:lvlRestart w:val="0"/>')
        ),
        num(1, 1),
    ).add(para("А", num=(1, 0)), para("а", num=(1, 1)), para("Б", num=(1, 0)), para("б", num=(1, 1)))
    assert lines(doc.bytes()) == ["1. А", "1.1. а", "2. Б", "2.2. б"]


def test_a_second_instance_with_a_start_override_restarts_and_one_without_continues():
    doc = Doc(OUTLINE, num(1, 1), num(2, 1, {0: 1}), num(3, 1), num(4, 1, {0: 10})).add(
        para("первый", num=(1, 0)),
        para("второй", num=(1, 0)),
        para("продолжение того же списка", num=(3, 0)),
        para("список заново", num=(2, 0)),
        para("дальше", num=(2, 0)),
        para("его пункт", num=(2, 1)),
        para("с десяти", num=(4, 0)),
        para("не нумеруется", num=(0, 0)),
    )
    assert lines(doc.bytes()) == [
        "1. первый",
        "2. второй",
        "3. продолжение того же списка",
        "1. список заново",
        "2. дальше",
        "2.1. его пункт",
        "10. с десяти",
        "не нумеруется",
    ]


def test_numbering_through_a_paragraph_style_and_the_style_it_is_based_on():
    doc = (
        Doc(OUTLINE, num(7, 1))
        .style(
            '<w:style w:type="paragraph" w:styleId="RoadmapList"><w:name w:val="Roadmap List"/>'
            '<w:pPr><w:numPr><w:numId w:val="7"/></w:numPr></w:pPr></w:style>'
        )
        .style(
            '<w:style w:type="paragraph" w:styleId="RoadmapItem"><w:name w:val="Roadmap Item"/>'
            '<w:basedOn w:val="RoadmapList"/></w:style>'
        )
        .style(
            '<w:style w:type="paragraph" w:styleId="RoadmapSub"><w:name w:val="Roadmap Sub"/>'
            '<w:basedOn w:val="RoadmapList"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>'
        )
    )
    no_number = '<w:p><w:pPr><w:pStyle w:val="RoadmapItem"/><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr>'
    doc.add(
        para("Организация", style="RoadmapList"),
        para("Совещание", style="RoadmapSub"),
        para("Мониторинг", style="RoadmapItem"),
        no_number + run("Примечание") + "</w:p>",
    )
    assert lines(doc.bytes()) == ["1. Организация", "1.1. Совещание", "2. Мониторинг", "Примечание"]


def test_an_instance_linked_to_a_numbering_style_counts_by_the_style_definition():
    linked = abstract(5, link='<w:numStyleLink w:val="RoadmapNumbering"/>')
    defined = abstract(
        6,
        '<w:styleLink w:val="RoadmapNumbering"/>',
        level(0, "decimal", "%1)"),
        level(1, "russianLower", "%2)"),
    )
    doc = Doc(linked, defined, num(8, 6), num(9, 5)).style(
        '<w:style w:type="numbering" w:styleId="RoadmapNumbering"><w:name w:val="Roadmap Numbering"/>'
        '<w:pPr><w:numPr><w:numId w:val="8"/></w:numPr></w:pPr></w:style>'
    )
    doc.add(para("первый", num=(9, 0)), para("подпункт", num=(9, 1)), para("второй", num=(9, 0)))
    assert lines(doc.bytes()) == ["1) первый", "а) подпункт", "2) второй"]


def test_a_document_without_numbering_definitions_is_read():
    doc = Doc().add(para("Дорожная карта"))
    rel = next(r for r in doc.document.part.rels.values() if r.reltype == RT.NUMBERING)
    doc.document.part.drop_rel(rel.rId)
    content = doc.bytes()
    assert "word/numbering.xml" not in zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert lines(content) == ["Дорожная карта"]


HEADER = ["№ п/п", "Мероприятие", "Срок", "Ответственный"]


def test_numbers_of_the_number_column_reach_every_row_of_the_import():
    n0, n1 = [para(num=(1, 0))], [para(num=(1, 1))]
    doc = Doc(OUTLINE, num(1, 1)).add(para("Дорожная карта по повышению качества образования на 2024 год"))
    doc.table(
        [
            HEADER,
            [n0, "Организационные мероприятия", "", ""],
            [n1, "Совещание с руководителями школ", "январь 2024", "Управление образования"],
            [n1, "Семинар для заместителей", "февраль 2024", "ИМЦ"],
            [n0, "Мониторинг", "", ""],
            [n1, "Анализ результатов ВПР", "май 2024", "Руководители ОО"],
        ]
    )
    # The section rows: the heading merged across all but the number cell.
    table = doc.document.tables[0]
    for r in (1, 4):
        table.cell(r, 1).merge(table.cell(r, 3))
        for tc in table.rows[r]._tr.tc_lst[1:]:
            for p in tc.findall(qn("w:p"))[1:]:
                tc.remove(p)
    data = import_roadmap(doc.bytes(), "plan.docx")
    sections = [(s["number"], s["title"]) for s in data["sections"]]
    assert sections == [("1", "Организационные мероприятия"), ("2", "Мониторинг")]
    rows = [
        (a["number"], a["content"], a["deadline"], a["responsible"])
        for s in data["sections"]
        for a in s["activities"]
    ]
    assert rows == [
        ("1.1.", "Совещание с руководителями школ", "январь 2024", "Управление образования"),
        ("1.2.", "Семинар для заместителей", "февраль 2024", "ИМЦ"),
        ("2.1.", "Анализ результатов ВПР", "май 2024", "Руководители ОО"),
    ]


# --- Tracked changes, fields and special characters ----------------------------------------


def ins(xml: str) -> str:
    return f'<w:ins w:id="1" w:author="A" w:date="2024-01-01T00:00:00Z">{xml}</w:ins>'


def dele(text: str) -> str:
    return (
        f'<w:del w:id="2" w:author="A"><w:r><w:delText xml:space="preserve">{text}</w:delText></w:r></w:del>'
    )


def test_tracked_changes_read_as_the_final_text():
    moved = "Мониторинг сайтов школ"
    doc = Doc().add(
        para("Провести ", dele("семинар"), ins(run("совещание")), " с директорами"),
        para(
            f'<w:moveFrom w:id="3" w:author="A">{run(moved)}</w:moveFrom>',
            mark='<w:moveFrom w:id="4" w:author="A"/>',
        ),
        para("Анализ ВПР"),
        para(f'<w:moveTo w:id="5" w:author="A">{run(moved)}</w:moveTo>'),
        para("Первая часть, ", mark='<w:del w:id="6" w:author="A"/>'),
        para("вторая часть"),
        para(dele("Удалённый абзац"), mark='<w:del w:id="7" w:author="A"/>'),
        para("Последний"),
    )
    assert lines(doc.bytes()) == [
        "Провести совещание с директорами",
        "Анализ ВПР",
        moved,
        "Первая часть, вторая часть",
        "Последний",
    ]


def test_a_moved_numbered_paragraph_takes_its_number_where_it_now_stands():
    doc = Doc(OUTLINE, num(1, 1)).add(
        para(
            f'<w:moveFrom w:id="3" w:author="A">{run("Анализ")}</w:moveFrom>',
            num=(1, 0),
            mark='<w:moveFrom w:id="4" w:author="A"/>',
        ),
        para("Совещание", num=(1, 0)),
        para(f'<w:moveTo w:id="5" w:author="A">{run("Анализ")}</w:moveTo>', num=(1, 0)),
    )
    assert lines(doc.bytes()) == ["1. Совещание", "2. Анализ"]


def test_deleted_rows_are_left_out_and_inserted_rows_kept():
    doc = Doc().table(
        [["1.", "Совещание"], ["2.", "Удалённое"], ["3.", "Вставленное"]],
        row_props={1: '<w:del w:id="1" w:author="A"/>', 2: '<w:ins w:id="2" w:author="A"/>'},
    )
    assert grids(doc.bytes()) == [[["1.", "Совещание"], ["3.", "Вставленное"]]]


def test_fields_links_and_content_controls_show_what_word_shows():
    complex_field = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> HYPERLINK "https://school.ru" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + run("сайт школы")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    doc = Doc().add(
        para("Отчёт на ", complex_field, " до 1 мая"),
        para('<w:fldSimple w:instr=" DATE "><w:r><w:t>01.02.2024</w:t></w:r></w:fldSimple>'),
        para(
            f'<w:hyperlink w:anchor="x">{run("ссылка")}</w:hyperlink>',
            " и ",
            f'<w:smartTag w:uri="u" w:element="e">{run("тег")}</w:smartTag>',
        ),
        para(f"<w:sdt><w:sdtPr/><w:sdtContent>{run('поле формы')}</w:sdtContent></w:sdt>"),
        para("видно", run(" скрыто", "<w:vanish/>")),
    )
    assert lines(doc.bytes()) == [
        "Отчёт на сайт школы до 1 мая",
        "01.02.2024",
        "ссылка и тег",
        "поле формы",
        "видно",
    ]


def test_tabs_breaks_hyphens_and_symbols_become_text():
    doc = Doc().add(
        para(
            "<w:r><w:t>Срок:</w:t><w:tab/><w:t>январь</w:t><w:br/><w:t>2024</w:t><w:cr/>"
            "<w:t>медиа</w:t><w:noBreakHyphen/><w:t>центр</w:t></w:r>",
            "<w:r><w:t>само</w:t><w:softHyphen/><w:t>анализ</w:t>"
            '<w:sym w:font="Symbol" w:char="F02D"/><w:t>ОО</w:t></w:r>',
        ),
    )
    assert lines(doc.bytes()) == ["Срок: январь\n2024\nмедиа-центрсамоанализ-ОО"]


# --- Invisible characters ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("само\u00adанализ", "самоанализ"),
        ("\ufeffПлан\u200b мероприятий\u200c\u200d\u2060", "План мероприятий"),
        ("до\u00a01\u202fмая 2024\u2007г.", "до 1 мая 2024 г."),
        ("\u00a0 Совещание\u00a0\n\u200b\nСеминар", "Совещание\nСеминар"),
    ],
)
def test_tidy_drops_invisible_characters_and_keeps_spaces(raw, shown):
    assert tidy(raw) == shown


def test_a_word_cell_and_an_excel_cell_read_without_invisible_characters():
    doc = Doc().add(para("Управление\u00a0образования")).table([["Само\u00adанализ\u200b школ"]])
    assert lines(doc.bytes()) == ["Управление образования"]
    assert grids(doc.bytes()) == [[["Самоанализ школ"]]]
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Мони\u00adторинг\u00a0ВПР"
    out = io.BytesIO()
    workbook.save(out)
    assert read_xlsx(out.getvalue())[0].blocks[0][0][0].text == "Мониторинг ВПР"


# --- Bold ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "bold"),
    [
        (para(run("Раздел", "<w:b/>")), True),
        (para(run("Раздел", '<w:b w:val="0"/>')), False),
        (para("Раздел", style="SectionHeading"), True),  # bold through the style's basedOn
        (para(run("Раздел", '<w:b w:val="0"/>'), style="SectionHeading"), False),
        (para(run("Раздел", '<w:rStyle w:val="Strong"/>')), True),
        (para("Раздел", run(" и текст", '<w:rStyle w:val="Strong"/>')), False),
        (para("Раздел"), False),
    ],
)
def test_a_cell_is_bold_by_its_runs_or_their_styles(cell, bold):
    doc = (
        Doc()
        .style(
            '<w:style w:type="paragraph" w:styleId="BoldBase"><w:name w:val="Bold Base"/>'
            "<w:rPr><w:b/></w:rPr></w:style>"
        )
        .style(
            '<w:style w:type="paragraph" w:styleId="SectionHeading"><w:name w:val="Section Heading"/>'
            '<w:basedOn w:val="BoldBase"/></w:style>'
        )
        .table([[[cell]]])
    )
    assert [c.bold for row in read_docx(doc.bytes()).blocks[-1] for c in row] == [bold]


# --- The row limit -------------------------------------------------------------------------


def docx_with_rows(count: int) -> bytes:
    """A DOCX whose table has ``count`` rows, written straight into document.xml (python-docx
    would take minutes for a large table)."""
    template = Doc().add(para("{ROWS}")).bytes()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(template)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "word/document.xml":
                rows = "".join(
                    f"<w:tr><w:tc><w:p><w:r><w:t>{n}.</w:t></w:r></w:p></w:tc></w:tr>" for n in range(count)
                )
                table = f"<w:tbl>{rows}</w:tbl>"
                placeholder = '<w:p><w:r><w:t xml:space="preserve">{ROWS}</w:t></w:r></w:p>'
                data = data.decode().replace(placeholder, table).encode()
            target.writestr(entry, data)
    return out.getvalue()


def test_a_table_at_the_row_limit_is_read():
    assert len(grids(docx_with_rows(MAX_ROWS))[0]) == MAX_ROWS


def test_a_table_over_the_row_limit_is_refused_naming_the_count():
    with pytest.raises(TooManyRows) as refused:
        import_roadmap(docx_with_rows(12_001), "big.docx")
    assert str(refused.value) == (
        "В таблице 12 001 строка, а загрузить можно до 5 000. Разделите дорожную карту на несколько файлов."
    )


# --- LibreOffice -----------------------------------------------------------------------------

FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:automatic-styles>
  <text:list-style style:name="Number">
   <text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1"/>
   <text:list-level-style-number text:level="2" style:num-suffix="." style:num-format="1"
    text:display-levels="2"/>
  </text:list-style>
  <text:list-style style:name="Letters">
   <text:list-level-style-number text:level="1" style:num-suffix=")" style:num-format="а, б, .., аа, аб, ... (ru)"/>
  </text:list-style>
 </office:automatic-styles>
 <office:body><office:text>
  <text:p>Дорожная карта по повышению качества образования на 2024 год</text:p>
  <table:table table:name="Plan">
   <table:table-column table:number-columns-repeated="4"/>
   {rows}
  </table:table>
 </office:text></office:body>
</office:document>
"""


def _fodt_row(*cells: str) -> str:
    return (
        "<table:table-row>"
        + "".join(f"<table:table-cell>{c}</table:table-cell>" for c in cells)
        + "</table:table-row>"
    )


def _fodt_number(depth: int, first: bool = False) -> str:
    item = "<text:list-item><text:p/></text:list-item>"
    if depth == 2:
        item = f"<text:list-item><text:list>{item}</text:list></text:list-item>"
    # One list cut by the table's cells: each piece goes on with the first, every level.
    keep_on = ' xml:id="plan"' if first else ' text:continue-list="plan"'
    return f'<text:list text:style-name="Number"{keep_on}>{item}</text:list>'


def test_a_libreoffice_document_saved_as_docx_keeps_its_numbers(tmp_path):
    """An OpenDocument text whose number column is a LibreOffice list, converted to DOCX by
    LibreOffice itself (as .odt and .doc uploads are): its numbers are in numbering.xml."""
    p = "<text:p>{}</text:p>".format
    letters = (
        '<text:p>Провести:</text:p><text:list text:style-name="Letters">'
        "<text:list-item><text:p>совещание;</text:p></text:list-item>"
        "<text:list-item><text:p>семинар.</text:p></text:list-item></text:list>"
    )
    rows = [
        _fodt_row(p("№"), p("Мероприятие"), p("Срок"), p("Ответственный")),
        _fodt_row(
            _fodt_number(1, first=True),
            p("Совещание с руководителями школ"),
            p("январь 2024"),
            p("Управление образования"),
        ),
        _fodt_row(_fodt_number(2), letters, p("февраль 2024"), p("ИМЦ")),
        _fodt_row(_fodt_number(2), p("Мониторинг результатов"), p("март 2024"), p("Руководители ОО")),
        _fodt_row(_fodt_number(1), p("Анализ ВПР"), p("май 2024"), p("Управление образования")),
    ]
    (tmp_path / "plan.fodt").write_text(FODT.format(rows="".join(rows)))
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is required: apt-get install -y libreoffice-writer"
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "docx",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "plan.fodt"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    content = (tmp_path / "plan.docx").read_bytes()
    assert b"<w:numPr>" in zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml")
    data = import_roadmap(content, "plan.docx")
    rows = [(a["number"], a["content"], a["deadline"], a["responsible"]) for a in data["activities"]]
    assert rows == [
        ("1.", "Совещание с руководителями школ", "январь 2024", "Управление образования"),
        ("1.1.", "Провести:\nа) совещание;\nб) семинар.", "февраль 2024", "ИМЦ"),
        ("1.2.", "Мониторинг результатов", "март 2024", "Руководители ОО"),
        ("2.", "Анализ ВПР", "май 2024", "Управление образования"),
    ]
