import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The delivery log's retention finds a municipality's finished deliveries oldest event first by
 * this index, instead of reading every one of its deliveries each hour.
 */
export class WebhookDeliveryRetention1767970000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "IDX_webhook_delivery_finished" ON "webhook_delivery" ("tenant_id", "event_time") WHERE status IN ('DELIVERED', 'FAILED')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_webhook_delivery_finished"`);
  }
}
