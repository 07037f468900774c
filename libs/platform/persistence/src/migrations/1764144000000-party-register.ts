import { MigrationInterface, QueryRunner } from 'typeorm';
import { grantToAppSql } from '../sql';

/** The platform-wide party register: not tenant-owned, so no tenant_id and no RLS. */
export class PartyRegister1764144000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "party" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" character varying(16) NOT NULL, "identity_number" character varying(12) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_74f57d723b2f1d8f32307339200" UNIQUE ("identity_number"), CONSTRAINT "PK_e6189b3d533e140bb33a6d2cec1" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`ALTER TABLE "party" ADD CONSTRAINT "CHK_party_kind" CHECK (kind IN ('person', 'organisation'))`);
    // Parties are created at first login and never changed or removed by the app.
    await queryRunner.query(grantToAppSql('party', ['SELECT', 'INSERT']));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "party"`);
  }
}
