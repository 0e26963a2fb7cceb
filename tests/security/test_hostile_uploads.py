"""Every hostile file of the catalogue (tests/security/hostile_files.py) tried on every upload
of the portal, through the real views, as a user allowed to upload there: never a 500, a
Russian message, nothing kept, the bombs refused by a size check before anything is unpacked.
Evidence that may be kept as it is (a PDF that is also a ZIP) is served back only as an
attachment that no browser shows inline.

``test_every_upload_is_tried`` reads the templates and the admin: a new upload form that is
not in ``UPLOADS`` fails the suite until it is tried here too.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.admin import ImportMixin

from monitoring.models import ExamResult, OlympiadResult, ResultsImportPreview
from roadmaps.documents.services import draft_read
from roadmaps.models import CompletionMark, Evidence, ImportDraft, Roadmap
from roadmaps.permissions import editable_owners
from schools.models import Membership, Municipality, Organisation, Person, RegistryImport
from schools.resources import OrganisationResource
from schools.spreadsheets import TextCSV, TextXLSX
from tests.security.hostile_files import Hostile, catalogue

pytestmark = pytest.mark.django_db

CYRILLIC = re.compile("[А-Яа-яЁё]")
# What a size check says, before anything is unpacked, at each kind of upload.
SIZE_REFUSALS = {
    "evidence": "распаковывается в слишком большой объём",
    "import": "ZIP-бомба",
    "results": "ZIP-бомба",
    "admin": "ZIP-бомба",
    "registry": "ZIP-бомба",  # imports
}
KEPT_MODELS = [
    Evidence,
    CompletionMark,
    Roadmap,
    ResultsImportPreview,
    ExamResult,
    OlympiadResult,
    Organisation,
    Person,
    Membership,
    get_user_model(),
    RegistryImport,  # imports: a refused registry is not kept as a draft
]


def admin_imports() -> list[str]:
    """The URL names of every import of the admin (django-import-export's ImportMixin)."""
    return sorted(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_import"
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ImportMixin)
    )


PORTAL = [
    "roadmaps:mark_submit",
    "documents:import_upload",
    "monitoring:results_import",
    "monitoring:olympiad_import",
    # --- imports ---
    "schools:import_upload",
    # --- end of imports ---
]
UPLOADS = PORTAL + admin_imports()


@pytest.fixture(autouse=True)
def storage(settings, tmp_path, monkeypatch):
    """MEDIA_ROOT and the temporary folder (where Django keeps large uploads and
    django-import-export its files) of the test alone, so that whatever is left is seen."""
    settings.MEDIA_ROOT = tmp_path / "media"
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    return tmp_path


def left_files(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in KEPT_MODELS} | {
        "ImportDraft": ImportDraft.objects.exclude(state=ImportDraft.State.FAILED).count()
    }


ERRORS = re.compile(
    r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>'
    r'|class="[^"]*(?:alert|invalid-feedback)[^"]*"[^>]*>(.*?)</'
    # django-import-export's dry run: its heading is translated, the rows' messages are its own.
    r"|<h2>(Ошибки)</h2>",
    re.S,
)


def errors_of(page: str) -> str:
    """The texts of the page's error lists and alerts, without the markup."""
    return " ".join(re.sub(r"<[^>]+>", " ", "".join(parts)) for parts in ERRORS.findall(page))


# --- Posting a file to each upload ---------------------------------------------------------


def _upload(hostile: Hostile) -> SimpleUploadedFile:
    return SimpleUploadedFile(hostile.name, hostile.content, content_type=hostile.content_type)


def _evidence(client, request, hostile):
    client.force_login(request.getfixturevalue("principal"))
    activity = Roadmap.objects.get(source_key="demo_school6_antirisk").activities.get(number="1.2")
    executor = activity.executors.get(organisation__name="МОБУ СОШ № 6")
    data = {
        "executor": executor.pk,
        "window": activity.windows.get().pk,
        "version": 0,
        "status": "done",
        "completed_on": "2026-11-20",
        "comment": "Справка приложена",
        "files": [_upload(hostile)],
    }
    return client.post(reverse("roadmaps:mark_submit", args=[activity.pk]), data)


def _import(client, request, hostile):
    staff = request.getfixturevalue("staff")
    client.force_login(staff)
    owner = editable_owners(staff).filter(municipality__isnull=False).order_by("name").first()
    response = client.post(reverse("documents:import_upload"), {"file": _upload(hostile), "owner": owner.pk})
    for draft in ImportDraft.objects.filter(state=ImportDraft.State.READING):
        draft_read(draft_id=draft.pk)  # what the worker does once the request commits
    if response.status_code == 302:  # the preview says why the file was not read
        response = client.get(response.url)
    return response


def _results(name):
    def post(client, request, hostile):
        client.force_login(request.getfixturevalue("staff"))
        taganrog = Municipality.objects.get(name="г. Таганрог")
        return client.post(reverse(name, args=[taganrog.pk]), {"file": _upload(hostile)})

    return post


def _admin(name):
    def post(client, request, hostile):
        client.force_login(request.getfixturevalue("superuser"))
        # The admin's formats are CSV (0) and XLSX (1): a ZIP goes as XLSX, anything else as CSV.
        form = "1" if hostile.content.startswith(b"PK") else "0"
        return client.post(reverse(name), {"import_file": _upload(hostile), "format": form})

    return post


POST = {
    "roadmaps:mark_submit": _evidence,
    "documents:import_upload": _import,
    "monitoring:results_import": _results("monitoring:results_import"),
    "monitoring:olympiad_import": _results("monitoring:olympiad_import"),
    "schools:import_upload": _results("schools:import_upload"),  # imports: Таганрог's registry
} | {name: _admin(name) for name in admin_imports()}


# The kind of each portal upload; every other one is an admin import.
KINDS = {
    "roadmaps:mark_submit": "evidence",
    "documents:import_upload": "import",
    "monitoring:results_import": "results",
    "monitoring:olympiad_import": "results",
    "schools:import_upload": "registry",  # imports
}


@pytest.mark.parametrize("upload", UPLOADS)
@pytest.mark.parametrize("hostile", catalogue(), ids=lambda h: h.name[:40].replace("\0", "NUL"))
def test_a_hostile_file_is_refused_in_russian_and_nothing_is_kept(client, request, storage, upload, hostile):
    before = counts()
    response = POST[upload](client, request, hostile)
    page = response.content.decode()
    assert "root:x:0:0" not in page  # an external entity never read /etc/passwd
    kind = KINDS.get(upload, "admin")
    if kind == "evidence" and hostile.opaque_evidence:
        assert response.status_code == 302
        _assert_served_as_an_attachment(client, hostile)
        return
    assert response.status_code in (200, 400), response.status_code  # a page, never a 500
    refusal = errors_of(page)
    assert CYRILLIC.search(refusal), page[:3000]
    if hostile.bomb:
        assert SIZE_REFUSALS[kind] in refusal
    assert counts() == before
    assert left_files(storage) == []


def _assert_served_as_an_attachment(client, hostile: Hostile) -> None:
    evidence = Evidence.objects.get(mark__comment="Справка приложена", file__gt="")
    assert re.fullmatch(r"evidence/[0-9a-f]{32}\.[a-z]+", evidence.file.name)
    assert "/" not in evidence.original_name and "\0" not in evidence.original_name
    download = client.get(reverse("roadmaps:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == hostile.content
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] in {
        "application/pdf",
        "image/jpeg",
        "image/png",
        "application/octet-stream",
        "application/vnd.oasis.opendocument.text",
    } or download["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.")


@pytest.mark.parametrize("form", ["0", "1"], ids=["csv", "xlsx"])
def test_the_admin_still_reads_its_own_export(client, superuser, storage, form):
    """The check before django-import-export refuses none of the files the admin itself
    writes: the file reaches the dry run, and stays only for a confirm step it is offered."""
    dataset = OrganisationResource().export(Organisation.objects.order_by("pk")[:3])
    content = [TextCSV, TextXLSX][int(form)]().export_data(dataset)
    content = content.encode() if isinstance(content, str) else content
    client.force_login(superuser)
    upload = SimpleUploadedFile(f"школы.{['csv', 'xlsx'][int(form)]}", content)
    response = client.post(
        reverse("admin:schools_organisation_import"), {"import_file": upload, "format": form}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {}
    assert "result" in response.context
    assert len(left_files(storage)) == ("confirm_form" in response.context)


def test_evidence_of_too_many_parts_is_called_so(client, request):
    hostile = next(h for h in catalogue() if h.name == "частей.xlsx")
    page = _evidence(client, request, hostile).content.decode()
    assert "В файле «частей.xlsx» слишком много частей (2509): он не принят." in page


# --- Every upload is in the list above ---------------------------------------------------------

FORM = re.compile(r"<form\b[^>]*>", re.S)
ACTION = re.compile(r"""action="\{%\s*url\s+['"]([\w:.-]+)['"]""")


def multipart_forms() -> dict[str, list[str]]:
    """Each template with a multipart form and the URL name the form posts to: its action, or,
    with none, the view that renders the template (found by the template's name in views)."""
    found: dict[str, list[str]] = {}
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for tag in FORM.findall(template.read_text()):
            if "multipart/form-data" in tag:
                action = ACTION.search(tag)
                found.setdefault(str(template.relative_to(settings.BASE_DIR)), []).append(
                    action.group(1) if action else ""
                )
    return found


# Templates whose multipart form posts back to the page that renders it.
SELF_POSTING = {
    "templates/roadmaps/documents/import_upload.html": "documents:import_upload",
    "templates/monitoring/results/import_upload.html": "monitoring:results_import",
    "templates/schools/imports/upload.html": "schools:import_upload",  # imports
}
# One template serves both results imports (ImportKind.upload_template extends it).
SHARED_TEMPLATE_UPLOADS = {"monitoring:olympiad_import"}


def test_every_upload_is_tried():
    named = set()
    for template, actions in multipart_forms().items():
        for action in actions:
            name = action or SELF_POSTING.get(template)
            assert name, f"{template}: a multipart form that is not tried with hostile files"
            named.add(name)
    assert named | SHARED_TEMPLATE_UPLOADS | set(admin_imports()) == set(UPLOADS)
    assert len(admin_imports()) >= 4  # organisations, people, memberships, users
