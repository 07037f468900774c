import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, grantToAppSql, tenantIsolationSql } from '../sql';

/** Tenants, the outbox, and the context functions every row-level security policy uses. */
export class PlatformFoundation1764057600000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `DO $$ BEGIN
         IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
           RAISE EXCEPTION 'role ${APP_ROLE} does not exist: create it before migrating (docs/operations.md)';
         END IF;
       END $$`,
      // The context of the current transaction, set by Database.transaction(); empty means none.
      `CREATE FUNCTION app_current_tenant_id() RETURNS uuid LANGUAGE sql STABLE
         AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$`,
      `CREATE FUNCTION app_current_subject_id() RETURNS uuid LANGUAGE sql STABLE
         AS $$ SELECT NULLIF(current_setting('app.subject_id', true), '')::uuid $$`,
      `GRANT SELECT ON "migrations" TO ${APP_ROLE}`,

      `CREATE TABLE "tenant" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" character varying(41) NOT NULL, "kommunkod" character(4) NOT NULL, "organisationsnummer" character varying(11) NOT NULL, "name_sv" text NOT NULL, "name_en" text NOT NULL, "enabled_services" text array NOT NULL DEFAULT '{}', "config" jsonb NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'active', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_abfd243f7bd832e806d19c5a919" UNIQUE ("slug"), CONSTRAINT "UQ_cf9b55e0d7cfc7b9bc62a5e2735" UNIQUE ("kommunkod"), CONSTRAINT "PK_da8c6efd67bb301e810e56ac139" PRIMARY KEY ("id"))`,
      // Tenants are platform data (public names, configuration): upserted at start-up, never deleted by the app.
      grantToAppSql('tenant', ['SELECT', 'INSERT', 'UPDATE']),

      `CREATE TABLE "outbox_event" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "type" character varying(200) NOT NULL, "source" character varying(200) NOT NULL, "subject" character varying(200), "data" jsonb NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_5bab5ae3baf1da4c484e195ab21" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE INDEX "IDX_outbox_event_unpublished" ON "outbox_event" ("occurred_at") WHERE published_at IS NULL`,
      `ALTER TABLE "outbox_event" ADD CONSTRAINT "FK_6857eb6e9625b7d338fb839dcd4" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      ...tenantIsolationSql('outbox_event'),
      grantToAppSql('outbox_event', ['SELECT', 'INSERT', 'UPDATE']),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "outbox_event"`);
    await queryRunner.query(`DROP TABLE "tenant"`);
    await queryRunner.query(`DROP FUNCTION app_current_subject_id()`);
    await queryRunner.query(`DROP FUNCTION app_current_tenant_id()`);
  }
}
