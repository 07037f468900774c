#!/bin/sh
# Runs once, after roles.sql, when the compose PostgreSQL volume is first created: gives Kommuna's
# two roles the passwords from the environment (compose reads them from .env or the shell).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="$KOMMUNA_OWNER_PASSWORD" -v app_password="$KOMMUNA_APP_PASSWORD" <<'SQL'
ALTER ROLE kommuna_owner PASSWORD :'owner_password';
ALTER ROLE kommuna_app PASSWORD :'app_password';
SQL
