import { MigrationInterface, QueryRunner } from 'typeorm';
import { grantToAppSql, tenantIsolationSql } from '@kommuna/platform-persistence';

/**
 * The webhook event log (webhook_event): every published event a subscription could name, kept
 * for its own retention so a replay reaches back further than the outbox keeps events. A tenant
 * table under forced row-level security.
 */
export class WebhookEventLog1767960000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `CREATE TABLE "webhook_event" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "event_type" character varying(200) NOT NULL, "event_time" TIMESTAMP WITH TIME ZONE NOT NULL, "body" text NOT NULL, CONSTRAINT "PK_webhook_event" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE INDEX "IDX_webhook_event_time" ON "webhook_event" ("tenant_id", "event_time")`,
      `ALTER TABLE "webhook_event" ADD CONSTRAINT "FK_webhook_event_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      ...tenantIsolationSql('webhook_event'),
      grantToAppSql('webhook_event'),
    ]) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "webhook_event"`);
  }
}
