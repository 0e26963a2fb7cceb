"""A PDF roadmap with a text layer reads like the Word document it was saved from; a scan,
a locked, damaged or overlong PDF is refused with a message that says why.

The PDFs are made for real: a roadmap typed in Word (python-docx) is printed to PDF by
LibreOffice, as a department's clerk would «save as PDF»; a scan is a page of it rendered to
a picture and saved as an image-only PDF with Pillow.
"""

from __future__ import annotations

import io
import subprocess
import time

import pdfplumber
import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from PIL import Image

from roadmaps.documents import importer
from roadmaps.documents.export_docx import export_docx
from roadmaps.documents.pdf import MAX_PAGES, SCAN, read_pdf
from roadmaps.documents.readers import Source
from roadmaps.documents.rows import fetch_roadmaps
from roadmaps.models import Roadmap
from schools.uploads import Damaged, Encrypted, TooManyRows, UnsafeFile
from tests.roadmaps.documents.conftest import DocxBuilder, seed
from tests.roadmaps.documents.test_round_trip import SEEDS, _table

SOFFICE = "/usr/bin/soffice"
HEADER = ["№ п/п", "Мероприятие", "Сроки", "Ответственный", "Ожидаемый результат"]
WIDTHS = [1.3, 6.8, 3.0, 3.4, 3.4]  # cm: a narrow number, a wide content column
DEADLINES = ["сентябрь 2023 г.", "в течение года", "до 25.12.2023", "ежеквартально", "май 2024 г."]
EXECUTORS = [
    "Управление образования",
    "руководители ОО",
    "МКУ «Методический центр»",
    "заместители директоров по УВР",
]
PER_SECTION = 10
SUBROWS = "2.3."  # its number and content merged down over two deadlines
PASSWORD_EXPORT = (
    'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
    '"DocumentOpenPassword":{"type":"string","value":"secret"}}'
)


def _activity(i: int) -> str:
    if i % 3 == 0:
        return (
            "Проведение семинара-практикума для педагогов по теме «Формирование функциональной "
            f"грамотности обучающихся» номер {i}"
        )
    return f"Мониторинг образовательных результатов обучающихся {i}"


def planned(count: int) -> list[dict]:
    """What the roadmap of ``count`` activities says: sections of ten, each row as the importer gives it."""
    sections = []
    for i in range(1, count + 1):
        s, k = divmod(i - 1, PER_SECTION)
        if k == 0:
            sections.append(
                {
                    "number": str(s + 1),
                    "title": f"Раздел {s + 1}: организационно-методическое сопровождение",
                    "rows": [],
                }
            )
        row = {
            "number": f"{s + 1}.{k + 1}.",
            "content": _activity(i),
            "deadline": DEADLINES[i % 5],
            "responsible": EXECUTORS[i % 4],
            "expected_result": f"Аналитическая справка {i}",
            "children": [],
        }
        if row["number"] == SUBROWS:
            # Two deadlines under one merged number: the second row is the activity's sub-row.
            row |= {
                "deadline": "октябрь 2023 г.",
                "responsible": "Управление образования",
                "expected_result": "Протокол",
            }
            row["children"] = [
                row
                | {
                    "number": "",
                    "deadline": "март 2024 г.",
                    "responsible": "руководители ОО",
                    "expected_result": "Отчёт",
                    "children": [],
                }
            ]
        sections[-1]["rows"].append(row)
    return sections


AGREED = ["СОГЛАСОВАНО", "Председатель Совета руководителей", "П.П. Петров"]
APPROVED = ["УТВЕРЖДАЮ", "Начальник Управления образования", "приказ от 01.09.2023 № 123", "И.И. Иванов"]


def roadmap_docx(count: int, *, side_by_side: bool = False) -> bytes:
    """A roadmap as a department types it in Word: approval block, title, goal, a bordered
    table whose header repeats on every page, bold section rows merged across, a number merged
    down over sub-rows, the head's signature below, and page numbers."""
    document = Document()
    # A page number at the foot of every page, between the pieces of the table.
    number = OxmlElement("w:fldSimple")
    number.set(qn("w:instr"), "PAGE")
    footer = document.sections[0].footer.paragraphs[0]
    footer.alignment = 1  # centred
    footer._p.append(number)
    if side_by_side:
        # «СОГЛАСОВАНО» on the left, «УТВЕРЖДАЮ» on the right: a borderless table in Word.
        blocks = document.add_table(rows=1, cols=2).rows[0].cells
        for cell, lines in zip(blocks, [AGREED, APPROVED], strict=True):
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    else:
        for text in ["УТВЕРЖДЕНА", "приказом Управления образования", "от 01.09.2023 № 123"]:
            document.add_paragraph(text).alignment = 2  # right
    title = document.add_paragraph().add_run(
        "Дорожная карта по повышению качества образования на 2023-2024 учебный год"
    )
    title.bold = True
    document.add_paragraph(
        "Цель: повышение качества образования в школах с низкими образовательными результатами."
    )
    table = document.add_table(rows=0, cols=len(HEADER))
    table.style = "Table Grid"
    header = table.add_row()
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, text in zip(header.cells, HEADER, strict=True):
        cell.text = text
    for section in planned(count):
        merged = table.add_row().cells
        heading = merged[0].merge(merged[-1])
        heading.paragraphs[0].add_run(f"{section['number']}. {section['title']}").bold = True
        for row in section["rows"]:
            cells = table.add_row().cells
            values = [
                row["number"],
                row["content"],
                row["deadline"],
                row["responsible"],
                row["expected_result"],
            ]
            for cell, text in zip(cells, values, strict=True):
                cell.text = text
            if row["children"]:
                [sub] = row["children"]
                below = table.add_row().cells
                for column, name in enumerate(["deadline", "responsible", "expected_result"], start=2):
                    below[column].text = sub[name]
                cells[0].merge(below[0])
                cells[1].merge(below[1])
    table.autofit = False
    for column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), WIDTHS, strict=True):
        column.set(qn("w:w"), str(Cm(width).twips))
    for row in table.rows:
        for cell, width in zip(row.cells, WIDTHS, strict=True):
            cell.width = Cm(width)
    document.add_paragraph("")
    document.add_paragraph("Начальник Управления образования                    И.И. Иванов")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def two_row_header_docx() -> bytes:
    """A header over two rows (the deadline split into start and end), a row of column numbers."""
    builder = DocxBuilder().table(
        [
            ["№", "Мероприятие", "Сроки", None, "Ответственный"],
            ["^", "^", "начало", "окончание", "^"],
            ["1", "2", "3", "4", "5"],
            ["1.", "Диагностика", "Сентябрь 2021", "Октябрь 2021", "МБОУ ДПО МЦ"],
            ["2.", "Методический семинар", "Ноябрь 2021", "Декабрь 2021", "Управление образования"],
        ]
    )
    builder.document.tables[0].style = "Table Grid"
    return builder.bytes()


def to_pdf(documents: dict[str, bytes], folder, export: str = "pdf") -> dict[str, bytes]:
    """LibreOffice prints each DOCX to PDF, as «save as PDF» in an office suite does."""
    for name, content in documents.items():
        (folder / f"{name}.docx").write_bytes(content)
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{folder}/profile",
            "--headless",
            "--convert-to",
            export,
            "--outdir",
            str(folder),
            *[f"{name}.docx" for name in documents],
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return {name: (folder / f"{name}.pdf").read_bytes() for name in documents}


def scan_of(pdf: bytes) -> bytes:
    """The PDF's pages as a scanner gives them: pictures, no text."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        pages = [page.to_image(resolution=100).original.convert("RGB") for page in document.pages[:2]]
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=100)
    return out.getvalue()


def structure(sources: list[Source], name: str) -> dict:
    """What ``import_roadmap`` does with a file's sources once it has them."""
    for source in sources:
        found = importer._find_table(source)
        if found is not None:
            return importer._structure(found, name)
    raise AssertionError("no roadmap table found")


def rows_of(data: dict) -> list[dict]:
    return [row for section in data["sections"] for row in section["activities"]]


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("pdf")
    docx = {
        "roadmap": roadmap_docx(45),
        "long": roadmap_docx(400),
        "agreed": roadmap_docx(12, side_by_side=True),
        "header": two_row_header_docx(),
    }
    pdf = to_pdf(docx, folder)
    (folder / "locked").mkdir()
    locked = to_pdf({"locked": docx["roadmap"]}, folder / "locked", export=PASSWORD_EXPORT)
    return {
        "roadmap.docx": docx["roadmap"],
        "roadmap.pdf": pdf["roadmap"],
        "long.docx": docx["long"],
        "long.pdf": pdf["long"],
        "locked.pdf": locked["locked"],
        "agreed.docx": docx["agreed"],
        "agreed.pdf": pdf["agreed"],
        "header.docx": docx["header"],
        "header.pdf": pdf["header"],
    }


@pytest.fixture(scope="module")
def roadmap(made) -> Source:
    [source] = read_pdf(made["roadmap.pdf"])
    return source


@pytest.fixture(scope="module")
def long_read(made) -> tuple[list[Source], float]:
    started = time.monotonic()
    sources = read_pdf(made["long.pdf"])
    return sources, time.monotonic() - started


def grid_of(source: Source):
    [grid] = [b for b in source.blocks if isinstance(b, list)]
    return grid


# --- A PDF saved from Word ------------------------------------------------------------------


def test_the_fixture_is_a_roadmap_over_several_pages_with_its_header_repeated(made):
    with pdfplumber.open(io.BytesIO(made["roadmap.pdf"])) as document:
        assert len(document.pages) >= 3
        for page in document.pages:
            assert page.extract_text().count("Ожидаемый") == 1


def test_every_row_reads_as_typed(roadmap):
    data = structure([roadmap], "roadmap.pdf")
    typed = planned(45)
    assert [(s["number"], s["title"]) for s in data["sections"]] == [(s["number"], s["title"]) for s in typed]
    expected = [row for section in typed for row in section["rows"]]
    got = rows_of(data)
    assert len(got) == len(expected) == 45
    for row, want in zip(got, expected, strict=True):
        assert row == want


def test_the_pdf_reads_like_the_docx_it_was_saved_from(made, roadmap):
    from_docx = importer.import_roadmap(made["roadmap.docx"], "roadmap")
    from_pdf = structure([roadmap], "roadmap")
    assert from_pdf == from_docx
    assert from_pdf["title"] == "Дорожная карта по повышению качества образования на 2023-2024 учебный год"
    assert (
        from_pdf["goal"] == "повышение качества образования в школах с низкими образовательными результатами."
    )
    assert (from_pdf["approval"]["number"], from_pdf["approval"]["date"]) == ("123", "2023-09-01")


def test_the_table_over_pages_is_one_grid_with_one_header(roadmap):
    grid = grid_of(roadmap)
    assert [cell.text for cell in grid[0]] == HEADER
    assert sum([cell.text for cell in row] == HEADER for row in grid) == 1
    # 45 activities, 5 section rows, one sub-row, the header: no row cut in two by a page.
    assert len(grid) == 45 + 5 + 1 + 1


def test_text_above_and_below_the_table_in_reading_order(roadmap):
    source = roadmap
    table = next(i for i, b in enumerate(source.blocks) if isinstance(b, list))
    assert source.blocks[:table] == [
        "УТВЕРЖДЕНА",
        "приказом Управления образования",
        "от 01.09.2023 № 123",
        # Set over two lines in the PDF, one paragraph in Word: the wrap is rejoined.
        "Дорожная карта по повышению качества образования на 2023-2024 учебный год",
        "Цель: повышение качества образования в школах с низкими образовательными результатами.",
    ]
    assert source.blocks[table + 1 :] == ["Начальник Управления образования И.И. Иванов"]


def test_blocks_side_by_side_read_one_after_the_other(made):
    """«СОГЛАСОВАНО» and «УТВЕРЖДАЮ» set side by side read block by block, as the borderless
    Word table they were typed in: the approval is the same."""
    [source] = read_pdf(made["agreed.pdf"])
    assert source.blocks[: len(AGREED) + len(APPROVED)] == AGREED + APPROVED
    from_pdf = structure([source], "agreed")
    assert from_pdf == importer.import_roadmap(made["agreed.docx"], "agreed")
    assert (from_pdf["approval"]["number"], from_pdf["approval"]["date"]) == ("123", "2023-09-01")


def test_a_header_over_two_rows_reads_as_in_word(made):
    [source] = read_pdf(made["header.pdf"])
    grid = grid_of(source)
    assert grid[0][2].owner is grid[0][3].owner  # «Сроки» across start and end
    assert grid[1][0].continued and grid[1][0].owner is grid[0][0].owner  # «№» down
    data = structure([source], "header")
    assert data == importer.import_roadmap(made["header.docx"], "header")
    assert [(a["number"], a["deadline"]) for a in data["activities"]] == [
        ("1.", "Сентябрь 2021\nОктябрь 2021"),
        ("2.", "Ноябрь 2021\nДекабрь 2021"),
    ]


def test_merged_cells_follow_the_word_readers_contract(roadmap):
    grid = grid_of(roadmap)
    section = grid[1]
    assert len({id(cell.owner) for cell in section}) == 1
    assert section[0].text == "1. Раздел 1: организационно-методическое сопровождение"
    assert all(cell.bold and not cell.continued for cell in section)
    at = next(i for i, row in enumerate(grid) if row[0].text == SUBROWS)
    top, below = grid[at], grid[at + 1]
    for column in (0, 1):
        assert below[column].continued and below[column].owner is top[column].owner
        assert below[column].text == top[column].text
    assert [c.text for c in below[2:]] == ["март 2024 г.", "руководители ОО", "Отчёт"]
    assert not any(c.continued for c in below[2:])


def test_only_the_bold_section_rows_are_bold(roadmap):
    grid = grid_of(roadmap)
    bold = [row[0].text for row in grid if any(cell.bold for cell in row)]
    assert bold == [f"{s['number']}. {s['title']}" for s in planned(45)]


@pytest.mark.parametrize(
    ("docx_text", "where"),
    [
        ("Ответственный", "a word wider than its narrow column, broken at the border"),
        ("Аналитическая справка 1", "a word broken at the border, then a wrap"),
        ("семинара-практикума", "a line that ends on a hyphen"),
        ("заместители директоров по УВР", "a wrap inside a cell"),
        ("10.10.", "a row number wider than its column"),
    ],
)
def test_lines_of_a_cell_join_back_into_its_text(long_read, docx_text, where):
    grid = grid_of(long_read[0][0])
    texts = {cell.text for row in grid for cell in row}
    assert docx_text in texts or any(docx_text in text for text in texts), where


def test_four_hundred_rows_read_whole_and_in_time(made, long_read):
    sources, elapsed = long_read
    data = structure(sources, "long.pdf")
    assert data == importer.import_roadmap(made["long.docx"], "long.pdf")
    assert len(rows_of(data)) == 400
    # Measured 5–6 s on this machine (30 pages), alone; the bound leaves room for a busy one.
    assert elapsed < 60, elapsed


@pytest.mark.django_db
def test_each_seed_roadmap_printed_to_pdf_reads_back_word_for_word(tmp_path):
    """The five real roadmaps as the portal prints them, saved as PDF, read back: every row,
    number, content, deadline and executor, the same words in the same order. Spacing is not
    compared: where a line ends exactly where the author broke it, or a word fills a narrow
    column to its border, the PDF cannot tell a wrap from a break."""
    documents = {}
    for key in SEEDS:
        roadmap = fetch_roadmaps([Roadmap.objects.get(source_key=key).pk])[0]
        documents[key] = export_docx(roadmap, with_marks=False)
    pdfs = to_pdf(documents, tmp_path)
    for key in SEEDS:
        data = structure(read_pdf(pdfs[key]), key)
        original = seed(key)
        assert _words(_table(data)) == _words(_table(original)), key
        assert data["title"] == original["title"]
        assert data["approval"] == original["approval"]


def _words(value):
    if isinstance(value, dict):
        return {k: _words(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_words(v) for v in value]
    return "".join(value.split()) if isinstance(value, str) else value


# --- What is refused ------------------------------------------------------------------------


def test_a_scan_is_refused_as_a_scan(made):
    with pytest.raises(UnsafeFile) as refused:
        read_pdf(scan_of(made["roadmap.pdf"]))
    assert str(refused.value) == SCAN
    assert str(refused.value).startswith("Это скан: в PDF нет текстового слоя")


def test_a_password_protected_pdf_is_refused(made):
    with pytest.raises(Encrypted, match="защищён паролем"):
        read_pdf(made["locked.pdf"])


@pytest.mark.parametrize(
    "damage",
    [
        lambda pdf: pdf[: len(pdf) // 3],
        lambda pdf: b"%PDF-1.7\n" + b"\x00garbage" * 100,
    ],
    ids=["cut short", "garbage after the header"],
)
def test_a_damaged_pdf_is_refused(made, damage):
    with pytest.raises(Damaged, match="^Файл повреждён"):
        read_pdf(damage(made["roadmap.pdf"]))


def test_a_pdf_of_too_many_pages_is_refused_before_it_is_read():
    pages = [Image.new("RGB", (10, 10), "white") for _ in range(MAX_PAGES + 1)]
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:])
    started = time.monotonic()
    with pytest.raises(TooManyRows, match=f"В PDF {MAX_PAGES + 1} страниц"):
        read_pdf(out.getvalue())
    assert time.monotonic() - started < 5
