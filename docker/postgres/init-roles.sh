#!/bin/sh
# Run once by the postgres image (docker-entrypoint-initdb.d), as its superuser, when the data volume is new.
# Two roles besides the superuser (docs/audit.md "Who owns the tables"):
#   prevent_owner  owns the database, its schema and every table; only the migrate service connects as it
#                  (DATABASE_MIGRATE_URL), to migrate and then run `manage.py grant_app_role`.
#   prevent_app    what web, worker and beat connect as (DATABASE_URL): LOGIN and nothing else, owns nothing;
#                  grant_app_role gives it its table privileges (never UPDATE, DELETE or TRUNCATE on audit events).
set -eu
: "${POSTGRES_OWNER_PASSWORD:?set POSTGRES_OWNER_PASSWORD}"
: "${POSTGRES_APP_PASSWORD:?set POSTGRES_APP_PASSWORD}"

# Passwords reach SQL only as psql variables (:'...' quotes them), never spliced into the text.
psql --no-psqlrc -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v db="$POSTGRES_DB" \
  -v owner="${PREVENT_OWNER_ROLE:-prevent_owner}" -v owner_password="$POSTGRES_OWNER_PASSWORD" \
  -v app="${PREVENT_APP_ROLE:-prevent_app}" -v app_password="$POSTGRES_APP_PASSWORD" <<'SQL'
CREATE ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  PASSWORD :'owner_password';
CREATE ROLE :"app" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT
  PASSWORD :'app_password';
ALTER DATABASE :"db" OWNER TO :"owner";
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"app";
GRANT USAGE ON SCHEMA public TO :"app";
SQL
