import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Templates belong to a unit, as letters do (unit secrecy): a template with a department is used
 * only by that unit's case workers; existing templates (none) stay the whole municipality's.
 */
export class DigitalMailTemplateUnit1766016000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "mail_template" ADD "department" character varying(100)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "mail_template" DROP COLUMN "department"`);
  }
}
