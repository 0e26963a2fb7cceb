"""The progress report as a document a department signs, and every export's file name.

The title once; the signer's line and who compiled it; rows that do not break across pages
with the header repeated; page numbers in the middle of the top margin from page 2 (ГОСТ Р
7.0.97-2025); and the roadmap's name and date in the name of each file. (The report's figures
against the dashboards': tests/monitoring/test_one_obligation_everywhere.py.)
"""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from types import SimpleNamespace
from urllib.parse import unquote

import pdfplumber
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from roadmaps.documents import views
from roadmaps.documents.build import UNSAFE, Job, Kind, build, file_name, job_put, subject_of
from roadmaps.documents.export_docx import export_docx
from roadmaps.documents.report import Signature, build_report, export_report, signature_name, signer_of
from roadmaps.documents.rows import fetch_roadmaps
from roadmaps.models import Roadmap
from schools.models import Organisation

pytestmark = pytest.mark.django_db

SIGNED = Signature(
    compiler="Баркалова Елена Викторовна",
    phone="8 (8634) 38-36-27",
    position="Начальник Управления образования г. Таганрога",
    signer="Морозова О.Л.",
)


def report_of(roadmap, signature=SIGNED, on=date(2023, 4, 1)) -> Document:
    report = build_report(roadmaps=fetch_roadmaps([roadmap.pk]), on=on, signature=signature)
    return Document(io.BytesIO(export_report(report)))


def texts(document: Document) -> list[str]:
    """Every paragraph of the body and of its tables, in order."""
    out = [p.text for p in document.paragraphs]
    for table in document.tables:
        out += [p.text for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return out


def test_the_roadmap_title_is_printed_once(taganrog):
    document = report_of(taganrog)
    assert [t for t in texts(document) if taganrog.title in t] == [f"«{taganrog.title}»"]
    heading = [p.text for p in document.paragraphs[:4]]
    assert heading == [
        "Отчёт о выполнении дорожной карты",
        f"«{taganrog.title}»",
        "УО г. Таганрога",
        "по состоянию на 01.04.2023",
    ]
    assert document.core_properties.title == "Отчёт о выполнении дорожной карты"


def test_the_report_ends_with_the_signer_and_the_compiler_in_a_borderless_row(taganrog):
    document = report_of(taganrog)
    table = document.tables[-1]
    assert table.style.name != "Table Grid" and len(table.rows) == 1
    position, line, name = table.rows[0].cells
    assert position.paragraphs[0].text == "Начальник Управления образования г. Таганрога"
    assert set(line.text) == {"_"} and name.text == "О.Л. Морозова"
    assert name.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert position.paragraphs[-1].text == "Исполнитель: Баркалова Елена Викторовна, тел. 8 (8634) 38-36-27"
    # The block and the line before it stay together on the last page.
    assert table.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    assert document.paragraphs[-1].paragraph_format.keep_with_next


def test_a_blank_signer_or_compiler_leaves_lines_to_fill_by_hand(taganrog):
    position, line, name = report_of(taganrog, Signature()).tables[-1].rows[0].cells
    assert set(position.paragraphs[0].text) == set(line.text) == set(name.text) == {"_"}
    assert position.paragraphs[-1].text == "Исполнитель: ____________, тел. ____________"


@pytest.mark.parametrize(
    "written, printed",
    [
        ("Морозова О.Л.", "О.Л. Морозова"),
        ("Морозова  О. Л.", "О.Л. Морозова"),
        ("В.А. Козлова", "В.А. Козлова"),
        ("Козлова Вера Алексеевна", "В.А. Козлова"),
        ("Римская-Корсакова Анна Петровна", "А.П. Римская-Корсакова"),
        ("Иванов Пётр", "П. Иванов"),
        ("Иванов П.", "П. Иванов"),
        ("начальник управления", "начальник управления"),
    ],
)
def test_a_signer_is_printed_initials_first(written, printed):
    assert signature_name(written) == printed


def test_who_signs_by_default_the_head_else_whoever_approved_the_roadmap(ivanteevka):
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    assert signer_of(school) == ("Директор", "О.В. Муразян")  # the school's head in the data
    # Ивантеевка's department has no head in the data; its roadmap names who approved it.
    assert ivanteevka.approved_by == "В.А. Козлова, начальник Управления образованием"
    assert signer_of(ivanteevka.owner, ivanteevka.approved_by) == (
        "Начальник Управления образованием",
        "В.А. Козлова",
    )
    assert signer_of(None) == ("", "")


def test_the_form_offers_the_signer_and_the_user_as_compiler_and_the_report_prints_them(
    client, superuser, ivanteevka
):
    superuser.first_name, superuser.last_name = "Анна", "Петрова"
    superuser.save()
    client.force_login(superuser)
    url = reverse("documents:roadmap_report", args=[ivanteevka.pk])
    form = client.get(url).context["form"]
    assert form["signer_position"].value() == "Начальник Управления образованием"
    assert form["signer_name"].value() == "В.А. Козлова"
    assert form["compiler"].value() == "Анна Петрова"
    response = client.post(
        url,
        {
            "on": "2022-04-01",
            "signer_position": "Заместитель начальника Управления образованием",
            "signer_name": "Астраханцева О.В.",
            "compiler": "Анна Петрова",
            "phone": "8 (84579) 5-16-52",
        },
    )
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    position, _, name = document.tables[-1].rows[0].cells
    assert position.paragraphs[0].text == "Заместитель начальника Управления образованием"
    assert name.text == "О.В. Астраханцева"
    assert position.paragraphs[-1].text == "Исполнитель: Анна Петрова, тел. 8 (84579) 5-16-52"


def test_a_school_report_offers_its_director(client, coordinator):
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    client.force_login(coordinator)
    form = client.get(reverse("documents:school_report", args=[school.pk])).context["form"]
    assert (form["signer_position"].value(), form["signer_name"].value()) == ("Директор", "О.В. Муразян")


def test_a_job_queued_before_the_signature_and_subject_keys_still_builds(taganrog):
    old = {
        "user": 1,
        "kind": "report",
        "roadmaps": [taganrog.pk],
        "school": None,
        "on": "2023-04-01",
        "title": "Таганрог",
        "path": None,
        "error": None,
    }
    position, _, name = Document(io.BytesIO(build(old))).tables[-1].rows[0].cells
    assert set(name.text) == {"_"}
    assert file_name(old) == "Отчёт о выполнении — Таганрог — на 01.04.2023.docx"


def _every_data_table(document: Document):
    """The tables with a grid: all but the borderless signature row."""
    return [t for t in document.tables if t.style is not None and t.style.name == "Table Grid"]


@pytest.mark.parametrize("kind", ["docx", "docx-marks", "report"])
def test_no_table_row_breaks_across_pages_and_the_header_repeats(kind, taganrog, ivanteevka):
    for roadmap in (taganrog, ivanteevka):
        fetched = fetch_roadmaps([roadmap.pk])[0]
        if kind == "report":
            content = export_report(build_report(roadmaps=[fetched], on=date(2023, 4, 1)))
        else:
            content = export_docx(fetched, with_marks=kind == "docx-marks")
        document = Document(io.BytesIO(content))
        tables = _every_data_table(document)
        assert tables
        for table in document.tables:
            for row in table.rows:
                assert row._tr.trPr.find(qn("w:cantSplit")) is not None
        for table in tables:
            header = table.rows[0]._tr.trPr
            assert header.find(qn("w:tblHeader")) is not None
            # Word reads the row's properties in the schema's order: cantSplit before tblHeader.
            tags = [child.tag for child in header]
            assert tags.index(qn("w:cantSplit")) < tags.index(qn("w:tblHeader"))


def test_page_numbers_stand_at_the_top_centre_from_the_second_page(tmp_path, taganrog, ivanteevka):
    """Rendered by LibreOffice: page 1 has no number, page 2 has «2» centred in the top margin."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is required: apt-get install -y libreoffice-writer"
    (tmp_path / "report.docx").write_bytes(export_report(build_report(
        roadmaps=fetch_roadmaps([taganrog.pk]), on=date(2023, 4, 1), signature=SIGNED
    )))  # fmt: skip
    (tmp_path / "roadmap.docx").write_bytes(export_docx(fetch_roadmaps([ivanteevka.pk])[0], with_marks=False))
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), "report.docx", "roadmap.docx"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for name in ("report", "roadmap"):
        with pdfplumber.open(tmp_path / f"{name}.pdf") as pdf:
            assert len(pdf.pages) >= 3, name
            for number, page in enumerate(pdf.pages, start=1):
                # Above the text, which starts 15 mm down; the header stands 8 mm down.
                top = [w for w in page.extract_words() if w["top"] < 12 / 25.4 * 72]
                if number == 1:
                    assert top == [], name
                    continue
                assert [w["text"] for w in top] == [str(number)], (name, number)
                middle = (top[0]["x0"] + top[0]["x1"]) / 2
                # Centred over the text: margins 20 mm left, 15 mm right of 297 mm.
                assert abs(middle - (20 + (297 - 35) / 2) / 25.4 * 72) < 6, (name, number, middle)
            last = pdf.pages[-1].extract_text() if name == "report" else ""
            if name == "report":
                assert "Исполнитель: Баркалова Елена Викторовна" in last and "О.Л. Морозова" in last


# --- File names -----------------------------------------------------------------------------------


def _name(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # Django's FileResponse sends a non-ASCII name as RFC 5987 «filename*=utf-8''…».
    encoded = disposition.split("filename*=utf-8''", 1)[1]
    return unquote(encoded)


def test_every_export_and_report_is_named_by_its_roadmap_and_date(
    client, staff, taganrog, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff)
    today = timezone.localdate().isoformat()
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    municipality = taganrog.owner.municipality
    subject = "Муниципальная дорожная карта организационно-методического… — УО г. Таганрога"
    cases = [
        ("roadmap_export", [taganrog.pk, "docx"], {}, f"Дорожная карта — {subject} — {today}.docx"),
        (
            "roadmap_export",
            [taganrog.pk, "docx-marks"],
            {},
            f"Дорожная карта с отметками — {subject} — {today}.docx",
        ),
        ("roadmap_export", [taganrog.pk, "xlsx"], {}, f"Дорожная карта — {subject} — {today}.xlsx"),
        ("municipality_export", [municipality.pk], {}, f"Дорожные карты — {municipality} — {today}.xlsx"),
        (
            "roadmap_report",
            [taganrog.pk],
            {"on": "2023-04-01"},
            f"Отчёт о выполнении — {subject} — на 01.04.2023.docx",
        ),
        (
            "municipality_report",
            [municipality.pk],
            {"on": "2023-04-01"},
            f"Отчёт о выполнении — {municipality} — на 01.04.2023.docx",
        ),
        (
            "school_report",
            [school.pk],
            {"on": "2023-04-01"},
            "Отчёт о выполнении — МОБУ СОШ № 6 — на 01.04.2023.docx",
        ),
    ]
    for url, args, data, expected in cases:
        response = client.post(reverse(f"documents:{url}", args=args), data)
        assert response.status_code == 200, url
        assert _name(response) == expected, url


def test_a_download_of_a_background_job_keeps_the_name(client, staff, taganrog, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = views._job(
        SimpleNamespace(user=staff),
        Kind.REPORT,
        [taganrog.pk],
        title="Т",
        subject="Таганрог",
        on=date(2026, 12, 1),
    )
    job["path"] = default_storage.save("exports/x.docx", ContentFile(b"docx"))
    job_put("j1", job)
    client.force_login(staff)
    response = client.get(reverse("documents:job_download", args=["j1"]))
    assert _name(response) == "Отчёт о выполнении — Таганрог — на 01.12.2026.docx"


def test_a_file_name_is_safe_on_every_system_and_short_enough():
    title = 'План: «школы/лицеи» \\ 2025*2026? "<проект>" | ' + "очень длинное название " * 20
    job = Job(kind=Kind.DOCX, roadmaps=[1], on="2026-12-02", title=title, subject=f"{title} — УО")
    name = file_name(job)
    assert not UNSAFE.search(name)
    assert not set(name) & set('/\\:*?"<>|')
    assert len(name.encode()) <= 250 and name.endswith(" — 2026-12-02.docx")
    assert name.startswith("Дорожная карта — План «школы лицеи» 2025 2026 проект очень длинное")
    assert "…" in name


def test_a_short_title_is_kept_whole():
    roadmap = Roadmap(title="Антирисковая программа", owner=Organisation(name="МОБУ СОШ № 6"))
    assert subject_of(roadmap) == "Антирисковая программа — МОБУ СОШ № 6"


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (Kind.DOCX, "Дорожная карта по поддержке ШНОР — УО — 2026-12-02.docx"),
        (Kind.DOCX_MARKS, "Дорожная карта по поддержке ШНОР — УО — с отметками — 2026-12-02.docx"),
        (Kind.REPORT, "Отчёт о выполнении — Дорожная карта по поддержке ШНОР — УО — на 02.12.2026.docx"),
    ],
)
def test_a_title_that_says_roadmap_is_not_said_twice_in_the_file_name(kind, expected):
    subject = "Дорожная карта по поддержке ШНОР — УО"
    job = Job(kind=kind, roadmaps=[1], on="2026-12-02", title=subject, subject=subject)
    assert file_name(job) == expected
