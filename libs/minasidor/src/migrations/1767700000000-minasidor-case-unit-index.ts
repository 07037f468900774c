import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The staff inbox's index also holds the case's subject: the row-level security policy of
 * minasidor_case reads subject_party_id, so a unit's page of keys now comes from the index alone
 * (an index-only scan, newest first, stopping after the page) instead of every case of the unit
 * sorted (docs/adr/0021-indexes-partitioning-and-citus.md). The build blocks writes to
 * minasidor_case while it runs: on a large installation, migrate in a quiet hour.
 */
export class MinasidorCaseUnitIndex1767700000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_minasidor_case_unit"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_minasidor_case_unit" ON "minasidor_case" ("tenant_id", "unit", "updated_at", "id", "subject_party_id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_minasidor_case_unit"`);
    await queryRunner.query(`CREATE INDEX "IDX_minasidor_case_unit" ON "minasidor_case" ("tenant_id", "unit", "updated_at", "id")`);
  }
}
