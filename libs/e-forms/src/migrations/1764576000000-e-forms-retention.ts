import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention (gallring) of submissions: once a form's submissionDays have passed since the errand
 * last changed, the answers and files are purged and purged_at is set; the errand number, dates,
 * status and decision stay as the record that the errand existed.
 */
export class EFormsRetention1764576000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "eforms_submission" ADD "purged_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `CREATE INDEX "IDX_eforms_submission_retention" ON "eforms_submission" ("tenant_id", "updated_at") WHERE purged_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_eforms_submission_retention"`);
    await queryRunner.query(`ALTER TABLE "eforms_submission" DROP COLUMN "purged_at"`);
  }
}
