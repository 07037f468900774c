import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, grantToAppSql, OWNER_ROLE, tenantIsolationSql } from '@kommuna/platform-persistence';

/**
 * Deliveries handed straight from the fan-out to the delivery worker (ADR 0002, the hand-over):
 * - the body leaves webhook_delivery (the event log keeps it once per event; bodies of deliveries
 *   older than the log are copied into it first);
 * - next_attempt_at is null once a delivery is finished or while a hand-over holds it, and the
 *   due index holds only rows with one; no index names status any more (the delivery log's
 *   housekeeping index is on the event time alone), so recording a handed-over delivery is a HOT
 *   update, for which the table leaves room on each page (fillfactor);
 * - the unique key leads with the event, so a hand-over's deliveries are found by its events;
 * - webhook_hand_over, the hand-overs' leases, and the due probe also names municipalities whose
 *   hand-over lease ran out (a worker that died), so their deliveries are put back in the queue.
 */
export class WebhookDeliveryHandOver1768100000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      // Every municipality's rows at once: the owner is bound by FORCE'd row-level security, so
      // it is lifted for these statements alone, within the migration's transaction.
      `ALTER TABLE "webhook_delivery" ALTER COLUMN "next_attempt_at" DROP NOT NULL`,
      `ALTER TABLE "webhook_delivery" NO FORCE ROW LEVEL SECURITY`,
      `ALTER TABLE "webhook_event" NO FORCE ROW LEVEL SECURITY`,
      `INSERT INTO "webhook_event" ("tenant_id", "id", "event_type", "event_time", "body")
         SELECT DISTINCT ON (tenant_id, event_id) tenant_id, event_id, event_type, event_time, body FROM "webhook_delivery"
         ORDER BY tenant_id, event_id, created_at
       ON CONFLICT DO NOTHING`,
      `UPDATE "webhook_delivery" SET "next_attempt_at" = NULL WHERE status <> 'PENDING'`,
      `ALTER TABLE "webhook_delivery" FORCE ROW LEVEL SECURITY`,
      `ALTER TABLE "webhook_event" FORCE ROW LEVEL SECURITY`,
      `ALTER TABLE "webhook_delivery" DROP COLUMN "body"`,
      `ALTER TABLE "webhook_delivery" SET (fillfactor = 50)`,
      `ALTER TABLE "webhook_delivery" DROP CONSTRAINT "UQ_webhook_delivery_event"`,
      `ALTER TABLE "webhook_delivery" ADD CONSTRAINT "UQ_webhook_delivery_event" UNIQUE ("tenant_id", "event_id", "subscription_id")`,
      `DROP INDEX "IDX_webhook_delivery_due"`,
      `CREATE INDEX "IDX_webhook_delivery_due" ON "webhook_delivery" ("tenant_id", "next_attempt_at") WHERE next_attempt_at IS NOT NULL`,
      `DROP INDEX "IDX_webhook_delivery_finished"`,
      `CREATE INDEX "IDX_webhook_delivery_event_time" ON "webhook_delivery" ("tenant_id", "event_time")`,
      `CREATE TABLE "webhook_hand_over" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "event_ids" uuid array NOT NULL, "lease_until" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_webhook_hand_over" PRIMARY KEY ("tenant_id", "id"))`,
      `ALTER TABLE "webhook_hand_over" ADD CONSTRAINT "FK_webhook_hand_over_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      ...tenantIsolationSql('webhook_hand_over'),
      grantToAppSql('webhook_hand_over'),
      // As webhook_pending_scan: the probe (its owner's) sees run-out leases, and returns tenant ids alone.
      `CREATE POLICY webhook_hand_over_scan ON "webhook_hand_over" FOR SELECT TO ${OWNER_ROLE} USING (true)`,
      `DROP FUNCTION webhook_tenants_with_due_deliveries()`,
      `CREATE FUNCTION webhook_tenants_with_due_deliveries() RETURNS TABLE (id uuid, hand_over_expired boolean) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
         $$ SELECT t.id, expired.run_out FROM tenant t
              CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM webhook_hand_over h WHERE h.tenant_id = t.id AND h.lease_until <= now())) expired(run_out)
             WHERE expired.run_out OR EXISTS (
                   SELECT 1 FROM webhook_delivery d WHERE d.tenant_id = t.id AND d.status = 'PENDING' AND d.next_attempt_at <= now()) $$`,
      `REVOKE ALL ON FUNCTION webhook_tenants_with_due_deliveries() FROM PUBLIC`,
      `GRANT EXECUTE ON FUNCTION webhook_tenants_with_due_deliveries() TO ${APP_ROLE}`,
    ]) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `DROP FUNCTION webhook_tenants_with_due_deliveries()`,
      `CREATE FUNCTION webhook_tenants_with_due_deliveries() RETURNS SETOF uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
         $$ SELECT t.id FROM tenant t CROSS JOIN LATERAL (
              SELECT 1 FROM webhook_delivery d WHERE d.tenant_id = t.id AND d.status = 'PENDING' AND d.next_attempt_at <= now()
               ORDER BY d.next_attempt_at LIMIT 1) due $$`,
      `REVOKE ALL ON FUNCTION webhook_tenants_with_due_deliveries() FROM PUBLIC`,
      `GRANT EXECUTE ON FUNCTION webhook_tenants_with_due_deliveries() TO ${APP_ROLE}`,
      `DROP TABLE "webhook_hand_over"`,
      `DROP INDEX "IDX_webhook_delivery_event_time"`,
      `CREATE INDEX "IDX_webhook_delivery_finished" ON "webhook_delivery" ("tenant_id", "event_time") WHERE status IN ('DELIVERED', 'FAILED')`,
      `DROP INDEX "IDX_webhook_delivery_due"`,
      `CREATE INDEX "IDX_webhook_delivery_due" ON "webhook_delivery" ("tenant_id", "next_attempt_at") WHERE status = 'PENDING'`,
      `ALTER TABLE "webhook_delivery" DROP CONSTRAINT "UQ_webhook_delivery_event"`,
      `ALTER TABLE "webhook_delivery" ADD CONSTRAINT "UQ_webhook_delivery_event" UNIQUE ("tenant_id", "subscription_id", "event_id")`,
      `ALTER TABLE "webhook_delivery" RESET (fillfactor)`,
      `ALTER TABLE "webhook_delivery" NO FORCE ROW LEVEL SECURITY`,
      // A delivery a hand-over holds goes back in the queue, due now (the leases go with their
      // table): parked at 'infinity' like a finished one, it would never be sent.
      `UPDATE "webhook_delivery" SET "next_attempt_at" = now(), "claim_id" = NULL WHERE status = 'PENDING' AND next_attempt_at IS NULL`,
      `UPDATE "webhook_delivery" SET "next_attempt_at" = 'infinity' WHERE next_attempt_at IS NULL`,
      `ALTER TABLE "webhook_delivery" FORCE ROW LEVEL SECURITY`,
      `ALTER TABLE "webhook_delivery" ALTER COLUMN "next_attempt_at" SET NOT NULL`,
      // The body comes back empty: the event log holds it.
      `ALTER TABLE "webhook_delivery" ADD "body" text NOT NULL DEFAULT ''`,
      `ALTER TABLE "webhook_delivery" ALTER COLUMN "body" DROP DEFAULT`,
    ]) {
      await queryRunner.query(statement);
    }
  }
}
