import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Files uploaded to answer a completion request wait on their submission (completion_submission_id)
 * until the completion takes them; decisions get their validity period (valid_from, valid_to).
 */
export class EFormsCompletionValidity1766200000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "eforms_attachment" ADD "completion_submission_id" uuid`);
    await queryRunner.query(
      `CREATE INDEX "IDX_eforms_attachment_completion" ON "eforms_attachment" ("tenant_id", "completion_submission_id")`,
    );
    await queryRunner.query(`ALTER TABLE "eforms_decision" ADD "valid_from" date`);
    await queryRunner.query(`ALTER TABLE "eforms_decision" ADD "valid_to" date`);
    await queryRunner.query(
      `ALTER TABLE "eforms_decision" ADD CONSTRAINT "CHK_eforms_decision_validity" CHECK (valid_to IS NULL OR (valid_from IS NOT NULL AND valid_to >= valid_from))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "eforms_decision" DROP CONSTRAINT "CHK_eforms_decision_validity"`);
    await queryRunner.query(`ALTER TABLE "eforms_decision" DROP COLUMN "valid_to"`);
    await queryRunner.query(`ALTER TABLE "eforms_decision" DROP COLUMN "valid_from"`);
    await queryRunner.query(`DROP INDEX "IDX_eforms_attachment_completion"`);
    await queryRunner.query(`ALTER TABLE "eforms_attachment" DROP COLUMN "completion_submission_id"`);
  }
}
