-- Kommuna's two database roles and its database (run once per PostgreSQL server, as a superuser;
-- .ci/run runs it too). Set passwords for real servers with ALTER ROLE ... PASSWORD.
--   kommuna_owner: owns the schema, runs migrations (DATABASE_MIGRATION_URL), creates test databases
--   kommuna_app:   what the api and worker connect as (DATABASE_URL): owns nothing, bound by RLS
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kommuna_owner') THEN CREATE ROLE kommuna_owner LOGIN CREATEDB; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kommuna_app') THEN CREATE ROLE kommuna_app LOGIN NOSUPERUSER NOBYPASSRLS; END IF;
END $$;
SELECT 'CREATE DATABASE kommuna OWNER kommuna_owner' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'kommuna')
\gexec
