import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, grantToAppSql, OWNER_ROLE, tenantIsolationSql } from '@kommuna/platform-persistence';

/**
 * The catalogue (docs/catalogue.md): metered usage and the processed-event register (tenant-owned,
 * row-level security), the steering group's follow-ups and status decisions (platform-level,
 * append-only), and the one cross-municipality read: aggregates of usage, never rows of people.
 */
export class CatalogueTables1764400000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const statements: string[] = [
      `CREATE TABLE "catalogue_follow_up" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "service" character varying(40) NOT NULL, "hypothesis_id" character varying(41) NOT NULL, "period_start" date NOT NULL, "period_end" date NOT NULL, "measured_value" numeric(14,4) NOT NULL, "unit" character varying(16) NOT NULL, "measured_on" date NOT NULL, "source" text NOT NULL, "note" text, "recorded_by" character varying(200) NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_catalogue_follow_up_unit" CHECK (unit IN ('minutes', 'hours', 'SEK')), CONSTRAINT "CHK_catalogue_follow_up_value" CHECK (measured_value >= 0), CONSTRAINT "CHK_catalogue_follow_up_period" CHECK (period_end >= period_start), CONSTRAINT "PK_catalogue_follow_up" PRIMARY KEY ("id"))`,
      `CREATE INDEX "IDX_catalogue_follow_up_service" ON "catalogue_follow_up"  ("service", "hypothesis_id") `,
      `CREATE TABLE "catalogue_processed_event" ("tenant_id" uuid NOT NULL, "event_id" uuid NOT NULL, "processed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_catalogue_processed_event" PRIMARY KEY ("tenant_id", "event_id"))`,
      `CREATE TABLE "catalogue_status_decision" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "service" character varying(40) NOT NULL, "from_status" character varying(16) NOT NULL, "to_status" character varying(16) NOT NULL, "decided_on" date NOT NULL, "diary_number" character varying(60) NOT NULL, "evidence" jsonb NOT NULL, "recorded_by" character varying(200) NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_catalogue_status_decision_status" CHECK (from_status IN ('concept', 'development', 'beta', 'stable', 'obsolete') AND to_status IN ('concept', 'development', 'beta', 'stable', 'obsolete')), CONSTRAINT "PK_catalogue_status_decision" PRIMARY KEY ("id"))`,
      `CREATE INDEX "IDX_catalogue_status_decision_service" ON "catalogue_status_decision"  ("service", "recorded_at") `,
      `CREATE TABLE "catalogue_usage_monthly" ("tenant_id" uuid NOT NULL, "service" character varying(40) NOT NULL, "metric" character varying(60) NOT NULL, "month" date NOT NULL, "count" bigint NOT NULL DEFAULT '0', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_catalogue_usage_monthly_month" CHECK (month = date_trunc('month', month)::date), CONSTRAINT "CHK_catalogue_usage_monthly_count" CHECK (count >= 0), CONSTRAINT "PK_catalogue_usage_monthly" PRIMARY KEY ("tenant_id", "service", "metric", "month"))`,
      `ALTER TABLE "catalogue_processed_event" ADD CONSTRAINT "FK_catalogue_processed_event_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "catalogue_usage_monthly" ADD CONSTRAINT "FK_catalogue_usage_monthly_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      ...tenantIsolationSql('catalogue_usage_monthly'),
      ...tenantIsolationSql('catalogue_processed_event'),
      grantToAppSql('catalogue_usage_monthly', ['SELECT', 'INSERT', 'UPDATE']),
      grantToAppSql('catalogue_processed_event', ['SELECT', 'INSERT']),
      // The steering group's records: added to, never changed or removed by the app.
      grantToAppSql('catalogue_follow_up', ['SELECT', 'INSERT']),
      grantToAppSql('catalogue_status_decision', ['SELECT', 'INSERT']),
      // Cross-municipality figures for the steering group: the function runs as the owner, whom
      // FORCE'd RLS binds too, so this policy lets it read; it returns the counts and nothing else.
      `CREATE POLICY usage_aggregate_read ON "catalogue_usage_monthly" FOR SELECT TO ${OWNER_ROLE} USING (true)`,
      `CREATE FUNCTION catalogue_usage_between(p_from date, p_to date)
         RETURNS TABLE (tenant_id uuid, service character varying, metric character varying, month date, count bigint)
         LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
         $$ SELECT u.tenant_id, u.service, u.metric, u.month, u.count FROM catalogue_usage_monthly u
             WHERE u.month >= p_from AND u.month <= p_to $$`,
      `REVOKE ALL ON FUNCTION catalogue_usage_between(date, date) FROM PUBLIC`,
      `GRANT EXECUTE ON FUNCTION catalogue_usage_between(date, date) TO ${APP_ROLE}`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION catalogue_usage_between(date, date)`);
    for (const table of ['catalogue_status_decision', 'catalogue_follow_up', 'catalogue_processed_event', 'catalogue_usage_monthly']) {
      await queryRunner.query(`DROP TABLE "${table}"`);
    }
  }
}
