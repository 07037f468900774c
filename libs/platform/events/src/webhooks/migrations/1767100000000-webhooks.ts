import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, grantToAppSql, OWNER_ROLE, tenantIsolationSql } from '@kommuna/platform-persistence';

/**
 * Webhook subscriptions per municipality and their deliveries (queue and log), both tenant tables
 * under forced row-level security, and the one cross-tenant read the delivery loop needs: which
 * municipalities have deliveries due (tenant ids only, as the outbox's probe).
 */
export class Webhooks1767100000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `CREATE TABLE "webhook_subscription" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "url" character varying(2000) NOT NULL, "event_types" text array NOT NULL, "description" character varying(200), "secret" character varying(200) NOT NULL, "status" character varying(20) NOT NULL DEFAULT 'ACTIVE', "disabled_reason" text, "disabled_at" TIMESTAMP WITH TIME ZONE, "created_by" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b03cce2c63c2672052112ebd088" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE TABLE "webhook_delivery" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "subscription_id" uuid NOT NULL, "event_id" uuid NOT NULL, "event_type" character varying(200) NOT NULL, "event_time" TIMESTAMP WITH TIME ZONE NOT NULL, "body" text NOT NULL, "status" character varying(20) NOT NULL DEFAULT 'PENDING', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "claim_id" uuid, "last_attempt_at" TIMESTAMP WITH TIME ZONE, "last_status_code" integer, "last_error" text, "delivered_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_webhook_delivery_event" UNIQUE ("tenant_id", "subscription_id", "event_id"), CONSTRAINT "PK_7e329a4f0d4da58274a581ebac9" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE INDEX "IDX_webhook_delivery_log" ON "webhook_delivery" ("tenant_id", "subscription_id", "created_at")`,
      `CREATE INDEX "IDX_webhook_delivery_due" ON "webhook_delivery" ("tenant_id", "next_attempt_at") WHERE status = 'PENDING'`,
      `ALTER TABLE "webhook_subscription" ADD CONSTRAINT "FK_657ecec7624b4951b4fc515b152" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "webhook_delivery" ADD CONSTRAINT "FK_c1044303975f5ebbe4bccab6191" FOREIGN KEY ("tenant_id", "subscription_id") REFERENCES "webhook_subscription"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      ...tenantIsolationSql('webhook_subscription'),
      ...tenantIsolationSql('webhook_delivery'),
      grantToAppSql('webhook_subscription'),
      grantToAppSql('webhook_delivery'),
      // The probe runs as its owner, whom FORCE'd RLS binds too: this policy lets it see pending
      // rows, and the function returns nothing of them but the tenant id.
      `CREATE POLICY webhook_pending_scan ON "webhook_delivery" FOR SELECT TO ${OWNER_ROLE} USING (status = 'PENDING')`,
      `CREATE FUNCTION webhook_tenants_with_due_deliveries() RETURNS SETOF uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
         $$ SELECT t.id FROM tenant t CROSS JOIN LATERAL (
              SELECT 1 FROM webhook_delivery d WHERE d.tenant_id = t.id AND d.status = 'PENDING' AND d.next_attempt_at <= now()
               ORDER BY d.next_attempt_at LIMIT 1) due $$`,
      `REVOKE ALL ON FUNCTION webhook_tenants_with_due_deliveries() FROM PUBLIC`,
      `GRANT EXECUTE ON FUNCTION webhook_tenants_with_due_deliveries() TO ${APP_ROLE}`,
    ]) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION webhook_tenants_with_due_deliveries()`);
    await queryRunner.query(`DROP TABLE "webhook_delivery"`);
    await queryRunner.query(`DROP TABLE "webhook_subscription"`);
  }
}
