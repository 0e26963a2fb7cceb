#!/bin/sh
# Backups of the portal: the database (pg_dump's custom format) and the media folder (evidence
# files) as a tar.gz, side by side under timestamped names, the newest BACKUP_KEEP of each kept.
#
#   backup.sh            one backup now
#   backup.sh nightly    every day at BACKUP_HOUR:BACKUP_MINUTE (local time, TZ), forever
#
# The database is the one libpq's variables name (PGHOST, PGPORT, PGUSER, PGPASSWORD,
# PGDATABASE). BACKUP_DIR (default /backups) receives the copies, MEDIA_DIR (default /media) is
# archived. Restore with restore.sh (see the README, «Резервные копии и восстановление»).
set -eu

BACKUP_DIR=${BACKUP_DIR:-/backups}
MEDIA_DIR=${MEDIA_DIR:-/media}
BACKUP_KEEP=${BACKUP_KEEP:-14}
BACKUP_HOUR=${BACKUP_HOUR:-2}
BACKUP_MINUTE=${BACKUP_MINUTE:-0}

say() { printf '%s backup: %s\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$*"; }
fail() { say "ОШИБКА: $*" >&2; exit 1; }

# The newest $BACKUP_KEEP files matching a pattern stay; the names sort by their time stamp.
prune() {
    pattern=$1
    count=$(ls -1 "$BACKUP_DIR"/$pattern 2>/dev/null | wc -l)
    excess=$((count - BACKUP_KEEP))
    if [ "$excess" -gt 0 ]; then
        ls -1 "$BACKUP_DIR"/$pattern | head -n "$excess" | while read -r old; do
            rm -f -- "$old"
            say "удалена старая копия $old"
        done
    fi
}

backup_once() {
    case $BACKUP_KEEP in
        '' | *[!0-9]* | 0) fail "BACKUP_KEEP должно быть целым числом не меньше 1, а не «$BACKUP_KEEP»" ;;
    esac
    [ -d "$MEDIA_DIR" ] || fail "нет папки файлов $MEDIA_DIR (MEDIA_DIR)"
    mkdir -p "$BACKUP_DIR"
    stamp=$(date '+%Y%m%d-%H%M%S')
    dump="$BACKUP_DIR/db-$stamp.dump"
    media="$BACKUP_DIR/media-$stamp.tar.gz"
    # Written under a temporary name and renamed once complete: a copy that is there is whole.
    say "база данных ${PGDATABASE:-?} на ${PGHOST:-localhost} -> $dump"
    pg_dump --format=custom --file="$dump.partial" || { rm -f "$dump.partial"; fail "pg_dump не удался"; }
    mv "$dump.partial" "$dump"
    say "файлы $MEDIA_DIR -> $media"
    tar -czf "$media.partial" -C "$MEDIA_DIR" . || { rm -f "$media.partial"; fail "архив файлов не создан"; }
    mv "$media.partial" "$media"
    prune 'db-*.dump'
    prune 'media-*.tar.gz'
    say "готово: $(du -h "$dump" | cut -f1) база, $(du -h "$media" | cut -f1) файлы; хранятся последние $BACKUP_KEEP"
}

# Seconds from now to the next HH:MM, local time (no GNU date needed).
seconds_until() {
    now_h=$(date +%H) now_m=$(date +%M) now_s=$(date +%S)
    now=$(( ${now_h#0} * 3600 + ${now_m#0} * 60 + ${now_s#0} ))
    target=$(( $1 * 3600 + $2 * 60 ))
    wait=$(( (target - now + 86400) % 86400 ))
    [ "$wait" -gt 0 ] || wait=86400
    echo "$wait"
}

case ${1:-now} in
    now)
        backup_once
        ;;
    nightly)
        say "копии каждый день в $(printf '%02d:%02d' "$BACKUP_HOUR" "$BACKUP_MINUTE") в $BACKUP_DIR, хранятся последние $BACKUP_KEEP"
        while :; do
            sleep "$(seconds_until "$BACKUP_HOUR" "$BACKUP_MINUTE")"
            # A failed night is reported and the next one is tried: the loop never stops.
            "$0" now || say "копия не сделана; следующая попытка завтра" >&2
        done
        ;;
    *)
        echo "Использование: backup.sh [now|nightly]" >&2
        exit 2
        ;;
esac
