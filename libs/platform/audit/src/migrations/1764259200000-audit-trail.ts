import { MigrationInterface, QueryRunner } from 'typeorm';
import { grantToAppSql, tenantIsolationSql } from '@kommuna/platform-persistence';

/** The append-only audit trail: the app role may insert and read, and a trigger stops anyone else changing it. */
export class AuditTrail1764259200000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `CREATE TABLE "audit_log" ("tenant_id" uuid NOT NULL, "seq" bigint NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "actor" character varying(300) NOT NULL, "action" character varying(100) NOT NULL, "target_type" character varying(100) NOT NULL, "target_id" character varying(200), "details" jsonb NOT NULL, "prev_hash" character(64) NOT NULL, "hash" character(64) NOT NULL, CONSTRAINT "PK_audit_log" PRIMARY KEY ("tenant_id", "seq"))`,
      `ALTER TABLE "audit_log" ADD CONSTRAINT "FK_8ce0776c154c443e780270bbd7f" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      ...tenantIsolationSql('audit_log'),
      grantToAppSql('audit_log', ['SELECT', 'INSERT']),
      `CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS
         $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`,
      `CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`,
      `CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON "audit_log" FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`,
    ]) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audit_log"`);
    await queryRunner.query(`DROP FUNCTION audit_log_append_only()`);
  }
}
