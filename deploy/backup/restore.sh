#!/bin/sh
# Restore the portal from a copy of backup.sh: the database, and the media folder if an archive
# is given (its contents are replaced by the archive's: files not in it are removed).
#
#   restore.sh latest                               the newest copy in BACKUP_DIR, both parts
#   restore.sh DB.dump [MEDIA.tar.gz]               these files
#
# Stop the web app, the worker and the scheduler first (see the README). The database is the
# one libpq's variables name (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE); its tables are
# dropped and recreated from the copy (pg_restore --clean --if-exists, in one transaction: a
# failed restore leaves the database as it was).
set -eu

BACKUP_DIR=${BACKUP_DIR:-/backups}
MEDIA_DIR=${MEDIA_DIR:-/media}

say() { printf '%s restore: %s\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$*"; }
fail() { say "ОШИБКА: $*" >&2; exit 1; }

[ $# -ge 1 ] || { echo "Использование: restore.sh latest | restore.sh DB.dump [MEDIA.tar.gz]" >&2; exit 2; }

if [ "$1" = latest ]; then
    dump=$(ls -1 "$BACKUP_DIR"/db-*.dump 2>/dev/null | tail -n 1)
    [ -n "$dump" ] || fail "в $BACKUP_DIR нет копий базы (db-*.dump)"
    stamp=${dump##*/db-}
    stamp=${stamp%.dump}
    media="$BACKUP_DIR/media-$stamp.tar.gz"
    [ -f "$media" ] || fail "нет архива файлов $media той же копии"
else
    dump=$1
    media=${2:-}
fi

[ -f "$dump" ] || fail "нет файла $dump"
# Both parts are read through before anything is touched: a damaged copy changes nothing.
pg_restore --list "$dump" >/dev/null || fail "$dump не читается как копия pg_dump"
if [ -n "$media" ]; then
    [ -f "$media" ] || fail "нет файла $media"
    tar -tzf "$media" >/dev/null || fail "$media не читается как архив tar.gz"
    [ -d "$MEDIA_DIR" ] || fail "нет папки файлов $MEDIA_DIR (MEDIA_DIR)"
fi

say "база данных ${PGDATABASE:-?} на ${PGHOST:-localhost} <- $dump"
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
    --dbname="${PGDATABASE:?укажите базу в PGDATABASE}" "$dump" || fail "pg_restore не удался; база не изменена"

if [ -n "$media" ]; then
    say "файлы $MEDIA_DIR <- $media (прежнее содержимое папки удаляется)"
    find "$MEDIA_DIR" -mindepth 1 -delete
    tar -xzf "$media" -C "$MEDIA_DIR" || fail "файлы не распакованы"
fi
say "готово. Запустите портал и проверьте: вход, дорожная карта, скачивание подтверждения."
