"""The backup of deploy/backup/ restores: the real backup.sh dumps the test database and the
media folder, the real restore.sh loads them into a fresh database and folder, and every table,
a few rows and every file come back the same. No Docker engine runs here: the scripts run as
the backup service runs them, with pg_dump and pg_restore on PATH and libpq's variables."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from roadmaps.models import CompletionMark, Evidence

SCRIPTS = Path(settings.BASE_DIR) / "deploy" / "backup"

# Transactional: pg_dump reads from its own connection, which sees committed rows only.
pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def libpq_env(database: str, **extra: str) -> dict[str, str]:
    db = connection.settings_dict
    return {
        **os.environ,
        "PGHOST": db["HOST"] or "127.0.0.1",
        "PGPORT": str(db["PORT"] or 5432),
        "PGUSER": db["USER"] or "postgres",
        "PGPASSWORD": db["PASSWORD"] or "",
        "PGDATABASE": database,
        **extra,
    }


def run(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["sh", str(SCRIPTS / script), *args], env=env, capture_output=True, text=True, timeout=300
    )


def connect(database: str):
    env = libpq_env(database)
    conn = psycopg2.connect(
        host=env["PGHOST"],
        port=env["PGPORT"],
        user=env["PGUSER"],
        password=env["PGPASSWORD"],
        dbname=database,
    )
    conn.autocommit = True
    return conn


def read(database: str, sql: str) -> list[tuple]:
    conn = connect(database)
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()
    finally:
        conn.close()


def table_counts(database: str) -> dict[str, int]:
    tables = read(database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    return {table: read(database, f'SELECT count(*) FROM "{table}"')[0][0] for (table,) in tables}


def files_of(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def fresh_database():
    """A database made and dropped with the server's own tools, as an operator would."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:6]}"
    env = libpq_env("postgres")
    subprocess.run(["createdb", name], env=env, check=True)
    yield name
    subprocess.run(["dropdb", "--if-exists", "--force", name], env=env, check=True)


@pytest.fixture
def committed_data(settings, tmp_path):
    """The seed roadmaps, committed (a transactional test may start from an emptied database),
    and a mark's evidence file in a media folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", demo=True, without_monitoring=True, stdout=io.StringIO(), stderr=io.StringIO())
    mark = CompletionMark.objects.order_by("pk").first()
    evidence = Evidence(mark=mark, original_name="Приказ № 12.pdf", size=13)
    evidence.file.save("Приказ № 12.pdf", ContentFile(b"%PDF-1.4 \xd0\x9f\x00"), save=True)
    (settings.MEDIA_ROOT / "evidence" / "пустой.txt").write_bytes(b"")
    return evidence


def test_a_backup_restores_into_a_fresh_database_with_the_same_rows_and_files(
    committed_data, fresh_database, tmp_path
):
    source = connection.settings_dict["NAME"]
    media, backups, restored_media = tmp_path / "media", tmp_path / "backups", tmp_path / "restored"
    restored_media.mkdir()
    done = run("backup.sh", env=libpq_env(source, MEDIA_DIR=str(media), BACKUP_DIR=str(backups)))
    assert done.returncode == 0, done.stderr
    dumps, archives = sorted(backups.glob("db-*.dump")), sorted(backups.glob("media-*.tar.gz"))
    assert len(dumps) == 1 and len(archives) == 1
    stamp = dumps[0].name.removeprefix("db-").removesuffix(".dump")
    assert archives[0].name == f"media-{stamp}.tar.gz"
    assert not list(backups.glob("*.partial"))

    env = libpq_env(fresh_database, MEDIA_DIR=str(restored_media), BACKUP_DIR=str(backups))
    restored = run("restore.sh", "latest", env=env)
    assert restored.returncode == 0, restored.stderr

    counts = table_counts(source)
    assert counts["roadmaps_roadmap"] >= 5 and counts["roadmaps_evidence"] >= 1
    assert table_counts(fresh_database) == counts
    for sql in [
        "SELECT id, title, status, period_start, owner_id FROM roadmaps_roadmap ORDER BY id LIMIT 3",
        "SELECT id, number, content, deadline_text FROM roadmaps_activity ORDER BY id DESC LIMIT 3",
        "SELECT m.id, m.status, m.comment, e.file, e.original_name FROM roadmaps_evidence e"
        " JOIN roadmaps_completionmark m ON m.id = e.mark_id ORDER BY e.id",
        "SELECT username, password FROM auth_user ORDER BY id",
    ]:
        assert read(fresh_database, sql) == read(source, sql), sql
    evidence_row = read(fresh_database, f"SELECT file FROM roadmaps_evidence WHERE id = {committed_data.pk}")
    assert evidence_row == [(committed_data.file.name,)]
    assert files_of(restored_media) == files_of(media)
    assert (restored_media / committed_data.file.name).read_bytes() == b"%PDF-1.4 \xd0\x9f\x00"


def test_a_restore_brings_back_the_copy_over_what_changed_since(committed_data, fresh_database, tmp_path):
    """Restoring over a database that moved on brings back the copy's rows (--clean), and files
    added since leave the folder."""
    source = connection.settings_dict["NAME"]
    media, backups, target = tmp_path / "media", tmp_path / "backups", tmp_path / "target"
    target.mkdir()
    done = run("backup.sh", env=libpq_env(source, MEDIA_DIR=str(media), BACKUP_DIR=str(backups)))
    assert done.returncode == 0, done.stderr
    env = libpq_env(fresh_database, MEDIA_DIR=str(target), BACKUP_DIR=str(backups))
    assert run("restore.sh", "latest", env=env).returncode == 0
    conn = connect(fresh_database)
    with conn.cursor() as cursor:
        cursor.execute("DELETE FROM roadmaps_comment")
        cursor.execute("UPDATE roadmaps_roadmap SET title = 'Изменено после копии'")
    conn.close()
    (target / "evidence" / "после копии.pdf").write_bytes(b"new")

    again = run("restore.sh", "latest", env=env)
    assert again.returncode == 0, again.stderr
    assert table_counts(fresh_database) == table_counts(source)
    sql = "SELECT id, title FROM roadmaps_roadmap ORDER BY id"
    assert read(fresh_database, sql) == read(source, sql)
    assert files_of(target) == files_of(media)


def test_a_damaged_copy_is_refused_and_changes_nothing(fresh_database, tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    (target / "kept.pdf").write_bytes(b"kept")
    damaged = tmp_path / "db-20260101-020000.dump"
    damaged.write_bytes(b"not a dump")
    result = run("restore.sh", str(damaged), env=libpq_env(fresh_database, MEDIA_DIR=str(target)))
    assert result.returncode != 0
    assert "не читается как копия pg_dump" in result.stderr
    assert (target / "kept.pdf").read_bytes() == b"kept"
    assert table_counts(fresh_database) == {}


def test_only_the_newest_copies_are_kept(committed_data, tmp_path):
    source = connection.settings_dict["NAME"]
    media, backups = tmp_path / "media", tmp_path / "backups"
    backups.mkdir()
    for stamp in ("20200101-020000", "20200102-020000"):
        (backups / f"db-{stamp}.dump").write_bytes(b"old")
        (backups / f"media-{stamp}.tar.gz").write_bytes(b"old")
    env = libpq_env(source, MEDIA_DIR=str(media), BACKUP_DIR=str(backups), BACKUP_KEEP="2")
    done = run("backup.sh", env=env)
    assert done.returncode == 0, done.stderr
    names = sorted(path.name for path in backups.iterdir())
    assert len(names) == 4
    assert "db-20200101-020000.dump" not in names and "media-20200101-020000.tar.gz" not in names
    assert "db-20200102-020000.dump" in names and "media-20200102-020000.tar.gz" in names
    assert "удалена старая копия" in done.stdout


def test_a_keep_count_that_is_no_number_is_refused(tmp_path):
    (tmp_path / "media").mkdir()
    env = libpq_env(
        connection.settings_dict["NAME"],
        MEDIA_DIR=str(tmp_path / "media"),
        BACKUP_DIR=str(tmp_path),
        BACKUP_KEEP="две недели",
    )
    done = run("backup.sh", env=env)
    assert done.returncode != 0 and "BACKUP_KEEP" in done.stderr
    assert not list(tmp_path.glob("db-*"))
