import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Monthly statistics read a municipality's letters of the months asked for, and only those: an
 * index on (tenant_id, created_at) that also holds what the counts read (department, status,
 * channel), so the report is an index-only range scan instead of every letter the municipality
 * ever sent (139,905 rows read for a 12-month report in Stockholm at 0.05 of the national volume).
 * The statistics object tells the planner how few months × units there are, so it counts them
 * in a hash table rather than sorting every letter by month (docs/adr/0021). IF NOT EXISTS: on a
 * large installation an operator may build the index beforehand with CREATE INDEX CONCURRENTLY.
 */
export class DigitalMailStatisticsIndex1767700000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "IDX_mail_delivery_created" ON "mail_delivery" ("tenant_id", "created_at", "department", "status", "channel")`,
    );
    await queryRunner.query(
      `CREATE STATISTICS "STX_mail_delivery_month" (ndistinct) ON (date_trunc('month', created_at AT TIME ZONE 'Europe/Stockholm')), department FROM "mail_delivery"`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP STATISTICS "STX_mail_delivery_month"`);
    await queryRunner.query(`DROP INDEX "IDX_mail_delivery_created"`);
  }
}
