#!/usr/bin/env bash
# Back up the Werkplaats database with pg_dump in its custom format (compressed, restored with
# scripts/restore.sh or pg_restore). The database comes from DATABASE_URL, as for the application.
#
#   DATABASE_URL=postgres://user:pass@host:5432/werkplaats scripts/backup.sh [FILE]
#
# FILE defaults to backups/werkplaats-<UTC time>.dump. The dump is written next to FILE under a
# temporary name, checked by reading its table of contents, and only then renamed: a FILE that
# exists is a complete, readable backup. It holds personal data, so it is readable by its owner
# only. Uploaded and generated files (WERKPLAATS_PRIVATE_DIR) are not in the database: back that
# folder up as well (see docs/deployment.md).
set -euo pipefail

usage() {
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
}

die() {
  printf 'backup: %s\n' "$*" >&2
  exit 1
}

case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  -*) usage >&2; die "unknown option: $1" ;;
esac
[ "$#" -le 1 ] || { usage >&2; die "expected at most one argument, the file to write"; }

# DATABASE_URL → the PG* variables libpq reads, so that the password never appears in the process
# list. Python (there wherever Werkplaats runs) parses the URL as django-environ does.
pg_environment() {
  "${PYTHON:-python3}" - <<'PY'
import os, shlex, sys
from urllib.parse import parse_qsl, unquote, urlsplit

url = os.environ.get("DATABASE_URL", "")
if not url:
    sys.exit("DATABASE_URL is not set; it names the database, as for the application")
parts = urlsplit(url)
if parts.scheme not in {"postgres", "postgresql", "pgsql", "psql", "postgis"}:
    sys.exit(f"DATABASE_URL is not a PostgreSQL address (it starts with {parts.scheme or url[:10]!r})")
values = {"PGDATABASE": unquote(parts.path.lstrip("/"))}
if not values["PGDATABASE"]:
    sys.exit("DATABASE_URL names no database (postgres://user:password@host:port/DATABASE)")
credentials, _at, location = parts.netloc.rpartition("@")
user, _colon, password = credentials.partition(":")
if location.startswith("["):
    host, _bracket, rest = location[1:].partition("]")
    port = rest.removeprefix(":")
else:
    host, _colon, port = location.partition(":")
extra = dict(parse_qsl(parts.query))
for key, value in {
    "PGHOST": unquote(host),
    "PGPORT": port,
    "PGUSER": unquote(user),
    "PGPASSWORD": unquote(password),
    "PGSSLMODE": extra.get("sslmode", ""),
    "PGSSLROOTCERT": extra.get("sslrootcert", ""),
    "PGSSLCERT": extra.get("sslcert", ""),
    "PGSSLKEY": extra.get("sslkey", ""),
    "PGCONNECT_TIMEOUT": extra.get("connect_timeout", ""),
}.items():
    if value:
        values[key] = value
for key, value in values.items():
    print(f"export {key}={shlex.quote(value)}")
PY
}
unset PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PGSSLMODE PGSSLROOTCERT PGSSLCERT PGSSLKEY PGCONNECT_TIMEOUT
exports="$(pg_environment)" || die "cannot read DATABASE_URL (see above)"
eval "$exports"

for tool in pg_dump pg_restore; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found: install the PostgreSQL client (apt install postgresql-client)"
done

target="${1:-backups/werkplaats-$(date -u +%Y%m%dT%H%M%SZ).dump}"
[ -e "$target" ] && die "$target exists already; choose another file name"
dir="$(dirname "$target")"
mkdir -p "$dir" || die "cannot create the folder $dir"
umask 077
partial="$(mktemp "$dir/.werkplaats-backup.XXXXXX")" || die "cannot write in $dir"
trap 'rm -f "$partial"' EXIT

started=$(date +%s)
pg_dump --format=custom --compress=6 --no-password --file="$partial" \
  || die "pg_dump of database \"$PGDATABASE\" on ${PGHOST:-localhost}:${PGPORT:-5432} failed (see above)"
pg_restore --list "$partial" >/dev/null || die "the dump cannot be read back; nothing was written to $target"
mv "$partial" "$target"
trap - EXIT

size=$(wc -c <"$target")
printf 'backup: database "%s" written to %s (%s bytes, %ss)\n' "$PGDATABASE" "$target" "$size" "$(($(date +%s) - started))"
