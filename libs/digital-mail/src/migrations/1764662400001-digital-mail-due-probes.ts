import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Finding work stays cheap however large a bulk send is (bench: 50,000 letters).
 * - Rows not yet expanded get their own small index: the expansion read walked the primary key
 *   past every row already expanded, so each chunk got slower as the batch went on.
 * - "Which municipalities have due work" probes each municipality's indexes and stops at the
 *   first hit, instead of a UNION over every open delivery, recipient and print batch. Scalar
 *   subqueries with LIMIT 1, because PostgreSQL may turn EXISTS into a hashed scan of them all.
 */
export class DigitalMailDueProbes1764662400001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `CREATE INDEX "IDX_mail_batch_recipient_pending" ON "mail_batch_recipient" ("tenant_id", "send_batch_id", "row_number") WHERE message_id IS NULL`,
      `CREATE OR REPLACE FUNCTION digital_mail_tenants_with_due_work(at timestamptz) RETURNS SETOF uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
         $$ SELECT t.id FROM tenant t
             WHERE (SELECT true FROM mail_delivery d WHERE d.tenant_id = t.id AND d.completed_at IS NULL
                      AND d.stage IN ('REACHABILITY', 'DIGITAL', 'PAPER') AND d.next_attempt_at <= at LIMIT 1)
                OR (SELECT true FROM mail_batch_recipient r WHERE r.tenant_id = t.id AND r.message_id IS NULL LIMIT 1)
                OR (SELECT true FROM mail_print_batch p WHERE p.tenant_id = t.id AND p.status <> 'RELEASED' LIMIT 1) $$`,
    ]) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE OR REPLACE FUNCTION digital_mail_tenants_with_due_work(at timestamptz) RETURNS SETOF uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
         $$ SELECT tenant_id FROM mail_delivery WHERE completed_at IS NULL AND stage <> 'PRINT' AND next_attempt_at <= at
            UNION SELECT tenant_id FROM mail_batch_recipient WHERE message_id IS NULL
            UNION SELECT tenant_id FROM mail_print_batch WHERE status <> 'RELEASED' $$`);
    await queryRunner.query(`DROP INDEX "IDX_mail_batch_recipient_pending"`);
  }
}
