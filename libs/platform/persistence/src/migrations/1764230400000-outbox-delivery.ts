import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, OWNER_ROLE } from '../sql';

/**
 * Outbox delivery state (attempts, backoff, last error) and the one cross-tenant read the worker
 * needs: which tenants have events due. It returns tenant ids only, so events themselves are
 * still read inside each tenant's context under row-level security.
 */
export class OutboxDelivery1764230400000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `ALTER TABLE "outbox_event" ADD "attempts" integer NOT NULL DEFAULT '0'`,
      `ALTER TABLE "outbox_event" ADD "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`,
      `ALTER TABLE "outbox_event" ADD "last_error" text`,
      // The function runs as its owner, whom FORCE'd RLS binds too: this policy lets it see
      // pending rows, and the function exposes nothing of them but the tenant id.
      `CREATE POLICY outbox_pending_scan ON "outbox_event" FOR SELECT TO ${OWNER_ROLE} USING (published_at IS NULL)`,
      `CREATE FUNCTION outbox_tenants_with_due_events() RETURNS SETOF uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
         $$ SELECT DISTINCT tenant_id FROM outbox_event WHERE published_at IS NULL AND next_attempt_at <= now() $$`,
      `REVOKE ALL ON FUNCTION outbox_tenants_with_due_events() FROM PUBLIC`,
      `GRANT EXECUTE ON FUNCTION outbox_tenants_with_due_events() TO ${APP_ROLE}`,
    ]) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION outbox_tenants_with_due_events()`);
    await queryRunner.query(`DROP POLICY outbox_pending_scan ON "outbox_event"`);
    await queryRunner.query(`ALTER TABLE "outbox_event" DROP COLUMN "last_error", DROP COLUMN "next_attempt_at", DROP COLUMN "attempts"`);
  }
}
