import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A municipality's case system takes submissions and acknowledges each with its own reference
 * (diarienummer): the reference, when and by which service account. The case system pages
 * through the whole municipality's submissions by (submitted_at, id).
 */
export class EFormsCaseSystem1766300000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "eforms_submission" ADD "case_system_reference" character varying(100)`);
    await queryRunner.query(`ALTER TABLE "eforms_submission" ADD "registered_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "eforms_submission" ADD "registered_by" character varying(200)`);
    await queryRunner.query(`CREATE INDEX "IDX_eforms_submission_submitted" ON "eforms_submission" ("tenant_id", "submitted_at", "id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_eforms_submission_submitted"`);
    await queryRunner.query(`ALTER TABLE "eforms_submission" DROP COLUMN "registered_by"`);
    await queryRunner.query(`ALTER TABLE "eforms_submission" DROP COLUMN "registered_at"`);
    await queryRunner.query(`ALTER TABLE "eforms_submission" DROP COLUMN "case_system_reference"`);
  }
}
