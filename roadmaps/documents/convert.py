"""Word 97–2003, RTF and OpenDocument files -> DOCX or XLSX, by LibreOffice without a window.

1. A fresh temporary directory holds the file, the result and a LibreOffice profile of its
   own, written before the start with macros off (the highest macro security, macro
   execution disabled) and links to untrusted places blocked; so conversions never share
   state, and a document cannot run code or reach the network through the profile.
2. LibreOffice runs in a session of its own, with an environment that holds none of the
   portal's secrets. At the time limit (``settings.SOFFICE_TIMEOUT``) its whole process
   group is killed; after a normal end too, for whatever it left behind.
3. The result passes ``uploads.check_upload`` like any upload, and the directory is removed
   whatever happened.

Slow (seconds per file): the import pages hand these files to a worker (``formats.needs_conversion``).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from django.conf import settings

from schools.uploads import Kind, UnsafeFile, check_size, check_upload

# LibreOffice's export filter for each result.
FILTERS = {Kind.DOCX: "docx:MS Word 2007 XML", Kind.XLSX: "xlsx:Calc MS Excel 2007 XML"}

PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>ru-RU</value></prop></item>
</oor:items>
"""

RESAVE = "Сохраните файл как .docx или .xlsx и загрузите снова."


class NotConverted(UnsafeFile):
    """LibreOffice could not turn the file into DOCX or XLSX."""


class ConverterMissing(NotConverted):
    pass


class ConversionTimedOut(NotConverted):
    pass


def convert(content: bytes, kind: Kind, target: Kind) -> bytes:
    """The file of ``kind`` (as check_upload found it) saved as ``target`` (DOCX or XLSX)."""
    program = shutil.which(settings.SOFFICE) if settings.SOFFICE else None
    if program is None:
        raise ConverterMissing(
            "Файлы .doc, .rtf, .odt, .xls и .ods на этом сервере не принимаются: не установлен LibreOffice, "
            f"который их преобразует. {RESAVE}"
        )
    with tempfile.TemporaryDirectory(prefix="roadmap-convert-") as folder:
        root = Path(folder)
        profile = root / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(PROFILE, encoding="utf-8")
        source = root / "in" / f"document.{kind}"
        source.parent.mkdir()
        source.write_bytes(content)
        out = root / "out"
        out.mkdir()
        command = [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            "--nodefault",
            "--nofirststartwizard",
            "--convert-to",
            FILTERS[target],
            "--outdir",
            str(out),
            str(source),
        ]
        if not _run(command, root=root, timeout=settings.SOFFICE_TIMEOUT):
            raise ConversionTimedOut(
                f"Файл не удалось преобразовать за {settings.SOFFICE_TIMEOUT} с: он слишком большой "
                f"или сложный. {RESAVE}"
            )
        result = out / f"document.{target}"
        if not result.is_file():
            raise NotConverted(
                "Файл не удалось преобразовать: он повреждён или защищён паролем. Откройте его в Word "
                f"или LibreOffice и сохраните как .{target}, затем загрузите снова."
            )
        try:
            check_size(result.stat().st_size)
            converted = result.read_bytes()
            found = check_upload(converted)
        except UnsafeFile as exc:
            raise NotConverted(f"Файл преобразован в .{target}, но не прошёл проверку: {exc}") from exc
    if found != target:
        raise NotConverted(f"Файл не удалось преобразовать в .{target}. {RESAVE}")
    return converted


def _run(command: list[str], *, root: Path, timeout: float) -> bool:
    """Run LibreOffice in a session of its own; False when it ran out of time. Its output goes
    to a file, so that nothing it leaves behind can hold a pipe this process waits on."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(root),
        "TMPDIR": str(root),
        "LANG": "C.UTF-8",
    }
    with open(root / "soffice.log", "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=root,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    # Wait without reaping: while the leader is unreaped its id cannot name another group.
    deadline = time.monotonic() + timeout
    finished = _exited(process.pid)
    while not finished and time.monotonic() < deadline:
        time.sleep(0.05)
        finished = _exited(process.pid)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
    return finished


def _exited(pid: int) -> bool:
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:  # already reaped: a process that ignores SIGCHLD
        return True
