"""No page of the portal carries code of its own: the Content-Security-Policy (script-src 'self')
would refuse it in the browser, so it is caught here, with the file and line, before it ships.
Behaviour goes into static/js/ (data-confirm, data-autosubmit, data-copy in portal.js)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)
# Project templates and the project's own static pages; vendored libraries are not ours to edit.
FILES = sorted(
    [*BASE.joinpath("templates").rglob("*.html"), *BASE.joinpath("static").rglob("*.html")],
)
FILES = [path for path in FILES if "vendor" not in path.relative_to(BASE).parts]
SCRIPTS = [path for path in BASE.joinpath("static", "js").rglob("*.js")]

SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
DATA_TYPE = re.compile(r"""\btype\s*=\s*["']?application/(ld\+)?json""", re.IGNORECASE)
# onclick=, onsubmit=, … as an attribute (not data-on…, not a word in the text).
HANDLER = re.compile(r"""(?<![\w:-])on[a-z]+\s*=\s*["'{]""", re.IGNORECASE)
OTHER = re.compile(r"""javascript:|\bhx-on\b|\bhx-on:|\bhx-vars\b|["']js:""", re.IGNORECASE)
EVAL = re.compile(r"""\beval\s*\(|\bnew\s+Function\s*\(|\bsetTimeout\s*\(\s*["']""")


def where(path: Path) -> Path:
    return path.relative_to(BASE) if path.is_relative_to(BASE) else Path(path.name)


def offences(paths, *checks) -> list[str]:
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for why, check in checks:
                if check(line):
                    found.append(f"{where(path)}:{number}: {why}: {line.strip()[:120]}")
    return found


def inline_script(line: str) -> bool:
    return any("src=" not in tag and not DATA_TYPE.search(tag) for tag in SCRIPT_TAG.findall(line))


def test_the_scan_sees_the_templates():
    assert BASE.joinpath("templates", "base.html") in FILES
    assert BASE.joinpath("static", "js", "portal.js") in SCRIPTS


def test_no_template_has_an_inline_script_or_handler():
    found = offences(
        FILES,
        ("inline <script> (move it to static/js/)", inline_script),
        ("inline event handler (use a data- attribute and static/js/portal.js)", HANDLER.search),
        ("code in an attribute (javascript:, hx-on, hx-vars, js:)", OTHER.search),
    )
    assert not found, "\n".join(found)


def test_the_portals_scripts_evaluate_no_strings():
    found = offences(SCRIPTS, ("string evaluated as code", EVAL.search))
    assert not found, "\n".join(found)


def test_the_scan_catches_what_it_is_for(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '<script src="/static/js/portal.js"></script>\n'
        '<script id="d" type="application/json">{}</script>\n'
        '<form data-confirm="Удалить?" data-onward="x">\n'
        "<script>alert(1)</script>\n"
        '<button onclick="go()">\n'
        '<a href="javascript:go()">\n'
    )
    found = offences(
        [page],
        ("script", inline_script),
        ("handler", HANDLER.search),
        ("other", OTHER.search),
    )
    assert [entry.split(": ", 1)[0].rsplit(":", 1)[1] for entry in found] == ["4", "5", "6"]
