import { MigrationInterface, QueryRunner } from 'typeorm';
import { grantToAppSql } from '../sql';

/**
 * Outbox housekeeping and dead letters (issue 18 item 7). An event whose attempts are spent is a
 * dead letter: dead_lettered_at says when, next_attempt_at is pushed to infinity so the claim and
 * the due probe pass it by without a new predicate, and a tenant admin may queue it again. Published
 * events are deleted once their retention has passed (the app role deletes them in the tenant's
 * context, chunk by chunk, along the published index). Both indexes are partial: the published one
 * gets its entry when an event is published (that update is never a HOT one anyway, since the due
 * index's predicate reads published_at), the dead one holds only dead letters.
 */
export class OutboxHousekeeping1767300000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `ALTER TABLE "outbox_event" ADD "dead_lettered_at" TIMESTAMP WITH TIME ZONE`,
      `CREATE INDEX "IDX_outbox_event_published" ON "outbox_event" ("tenant_id", "occurred_at") WHERE published_at IS NOT NULL`,
      `CREATE INDEX "IDX_outbox_event_dead" ON "outbox_event" ("tenant_id", "dead_lettered_at") WHERE dead_lettered_at IS NOT NULL`,
      grantToAppSql('outbox_event', ['DELETE']),
    ]) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`REVOKE DELETE ON "outbox_event" FROM kommuna_app`);
    await queryRunner.query(`DROP INDEX "IDX_outbox_event_dead"`);
    await queryRunner.query(`DROP INDEX "IDX_outbox_event_published"`);
    await queryRunner.query(`ALTER TABLE "outbox_event" DROP COLUMN "dead_lettered_at"`);
  }
}
