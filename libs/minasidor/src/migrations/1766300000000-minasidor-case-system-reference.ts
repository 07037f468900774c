import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A case keeps the reference the municipality's case system registered it under (diarienummer),
 * beside the errand number it was submitted with, so the resident can quote either.
 */
export class MinasidorCaseSystemReference1766300000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "minasidor_case" ADD "case_system_reference" character varying(100)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "minasidor_case" DROP COLUMN "case_system_reference"`);
  }
}
