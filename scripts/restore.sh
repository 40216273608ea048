#!/usr/bin/env bash
# Restore a Werkplaats backup (made by scripts/backup.sh, or pg_dump --format=custom) into an
# EMPTY PostgreSQL database, named by DATABASE_URL as for the application:
#
#   createdb --owner=werkplaats werkplaats_restored
#   DATABASE_URL=postgres://werkplaats:pass@host:5432/werkplaats_restored scripts/restore.sh FILE
#
# The database must exist and hold no tables: this script never overwrites data. The restore runs
# in one transaction and stops at the first error, so it either completes or leaves the database
# empty. Objects are owned by the user of DATABASE_URL, whoever owned them in the backup.
# Afterwards: restore WERKPLAATS_PRIVATE_DIR from its own backup, then point the application at
# the database (see docs/deployment.md).
set -euo pipefail

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
}

die() {
  printf 'restore: %s\n' "$*" >&2
  exit 1
}

case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  -*) usage >&2; die "unknown option: $1" ;;
  "") usage >&2; die "name the backup file to restore" ;;
esac
[ "$#" -eq 1 ] || { usage >&2; die "expected one argument, the backup file"; }
dump="$1"
[ -f "$dump" ] && [ -r "$dump" ] || die "$dump is not a readable file"

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

for tool in pg_restore psql; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found: install the PostgreSQL client (apt install postgresql-client)"
done

where="database \"$PGDATABASE\" on ${PGHOST:-localhost}:${PGPORT:-5432}"
pg_restore --list "$dump" >/dev/null 2>&1 || die "$dump is not a pg_dump archive in the custom format"
psql --no-password --no-psqlrc --quiet --tuples-only --command='SELECT 1' >/dev/null \
  || die "cannot connect to the $where (see above); create it first, e.g. createdb --owner=USER $PGDATABASE"

relations=$(psql --no-password --no-psqlrc --quiet --tuples-only --no-align --command="
  SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'")
[ "$relations" = "0" ] || die "the $where is not empty ($relations tables, sequences or views); restore only into a new, empty database"

started=$(date +%s)
pg_restore --no-password --dbname="$PGDATABASE" --no-owner --no-privileges --exit-on-error --single-transaction "$dump" \
  || die "restoring $dump into the $where failed (see above); nothing was restored"
# pg_restore brings no planner statistics; gather them so the first queries are not slow.
psql --no-password --no-psqlrc --quiet --command='ANALYZE' >/dev/null || die "the restore succeeded, but ANALYZE failed"

tables=$(psql --no-password --no-psqlrc --quiet --tuples-only --no-align --command="
  SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
printf 'restore: %s restored into the %s (%s tables, %ss)\n' "$dump" "$where" "$tables" "$(($(date +%s) - started))"
printf 'restore: next, restore WERKPLAATS_PRIVATE_DIR, point DATABASE_URL at this database and run manage.py migrate\n'
