import { MigrationInterface, QueryRunner } from 'typeorm';
import { grantToAppSql, tenantIsolationSql } from '@kommuna/platform-persistence';

/** Each municipality's use of its models per day, which its quotas are checked against (tenant-only, forced RLS). */
export class AiUsage1767800000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE "ai_usage" ("tenant_id" uuid NOT NULL, "model_id" uuid NOT NULL, "day" date NOT NULL, "requests" integer NOT NULL DEFAULT 0, "tokens" bigint NOT NULL DEFAULT 0, "audio_seconds" numeric(12,2) NOT NULL DEFAULT 0, CONSTRAINT "PK_ai_usage" PRIMARY KEY ("tenant_id", "model_id", "day"))`,
      `ALTER TABLE "ai_usage" ADD CONSTRAINT "FK_ai_usage_model" FOREIGN KEY ("tenant_id", "model_id") REFERENCES "ai_model"("tenant_id","id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      ...tenantIsolationSql('ai_usage'),
      grantToAppSql('ai_usage', ['SELECT', 'INSERT', 'UPDATE']),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "ai_usage"`);
  }
}
