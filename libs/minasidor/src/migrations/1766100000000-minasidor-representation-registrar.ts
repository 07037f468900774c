import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 23: a representation records where it comes from. A municipality's registration is that
 * municipality's row (one per registering municipality, changed and ended only by it, and
 * reaching only its cases); a row from an authoritative source (the companies register, the eID
 * broker's mandate) has no registering municipality. Existing rows were all registered by a
 * municipality and keep their last registrar as owner.
 */
export class MinasidorRepresentationRegistrar1766100000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `ALTER TABLE "minasidor_representation" ADD "source" character varying(32) NOT NULL DEFAULT 'municipality'`,
      `ALTER TABLE "minasidor_representation" ALTER COLUMN "source" DROP DEFAULT`,
      `ALTER TABLE "minasidor_representation" ALTER COLUMN "registered_by_tenant_id" DROP NOT NULL`,
      `ALTER TABLE "minasidor_representation" DROP CONSTRAINT "UQ_minasidor_representation_pair"`,
      `CREATE UNIQUE INDEX "UQ_minasidor_representation_municipality" ON "minasidor_representation" ("organisation_party_id", "person_party_id", "registered_by_tenant_id") WHERE registered_by_tenant_id IS NOT NULL`,
      `CREATE UNIQUE INDEX "UQ_minasidor_representation_authoritative" ON "minasidor_representation" ("organisation_party_id", "person_party_id", "source") WHERE registered_by_tenant_id IS NULL`,
      `ALTER TABLE "minasidor_representation" ADD CONSTRAINT "CHK_minasidor_representation_source" CHECK (source IN ('municipality', 'companies_register', 'eid_mandate'))`,
      `ALTER TABLE "minasidor_representation" ADD CONSTRAINT "CHK_minasidor_representation_registrar" CHECK ((source = 'municipality') = (registered_by_tenant_id IS NOT NULL))`,
      `ALTER TABLE "minasidor_representation" ADD CONSTRAINT "FK_minasidor_representation_tenant" FOREIGN KEY ("registered_by_tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `ALTER TABLE "minasidor_representation" DROP CONSTRAINT "FK_minasidor_representation_tenant"`,
      `ALTER TABLE "minasidor_representation" DROP CONSTRAINT "CHK_minasidor_representation_registrar"`,
      `ALTER TABLE "minasidor_representation" DROP CONSTRAINT "CHK_minasidor_representation_source"`,
      `DROP INDEX "UQ_minasidor_representation_authoritative"`,
      `DROP INDEX "UQ_minasidor_representation_municipality"`,
      // Back to one row per pair: authoritative rows and all but the latest registration go.
      `DELETE FROM "minasidor_representation" WHERE registered_by_tenant_id IS NULL`,
      `DELETE FROM "minasidor_representation" r USING "minasidor_representation" newer
        WHERE newer.organisation_party_id = r.organisation_party_id AND newer.person_party_id = r.person_party_id
          AND (newer.updated_at, newer.id) > (r.updated_at, r.id)`,
      `ALTER TABLE "minasidor_representation" ADD CONSTRAINT "UQ_minasidor_representation_pair" UNIQUE ("organisation_party_id", "person_party_id")`,
      `ALTER TABLE "minasidor_representation" ALTER COLUMN "registered_by_tenant_id" SET NOT NULL`,
      `ALTER TABLE "minasidor_representation" DROP COLUMN "source"`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }
}
