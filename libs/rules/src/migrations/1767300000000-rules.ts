import { MigrationInterface, QueryRunner } from 'typeorm';
import { grantToAppSql, tenantIsolationSql } from '@kommuna/platform-persistence';

/** Rules on inbound events (issue 18 item 6): versions, firings and the tasks they put in units' inboxes; tenant tables under forced RLS. */
export class Rules1767300000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `CREATE TABLE "rule" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "key" character varying(100) NOT NULL, "version" integer NOT NULL, "definition" jsonb NOT NULL, "event_type" character varying(200) NOT NULL, "enabled" boolean NOT NULL, "created_by" character varying(300) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_rule_key_version" UNIQUE ("tenant_id", "key", "version"), CONSTRAINT "PK_rule" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE TABLE "rule_firing" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "rule_id" uuid NOT NULL, "rule_key" character varying(100) NOT NULL, "rule_version" integer NOT NULL, "inbound_event_id" uuid NOT NULL, "event_source" character varying(500) NOT NULL, "event_id" character varying(200) NOT NULL, "event_type" character varying(200) NOT NULL, "action_kind" character varying(20) NOT NULL, "outcome" jsonb NOT NULL, "fired_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_rule_firing_event" UNIQUE ("tenant_id", "rule_key", "inbound_event_id"), CONSTRAINT "PK_rule_firing" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE INDEX "IDX_rule_firing_fired" ON "rule_firing" ("tenant_id", "fired_at")`,
      `CREATE TABLE "rule_task" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "firing_id" uuid NOT NULL, "unit" character varying(100) NOT NULL, "title" jsonb NOT NULL, "description" jsonb NOT NULL, "due_at" TIMESTAMP WITH TIME ZONE, "status" character varying(10) NOT NULL DEFAULT 'OPEN', "done_by" character varying(200), "done_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_rule_task" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE INDEX "IDX_rule_task_inbox" ON "rule_task" ("tenant_id", "unit", "status", "created_at")`,
      `ALTER TABLE "rule" ADD CONSTRAINT "FK_rule_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "rule_firing" ADD CONSTRAINT "FK_rule_firing_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "rule_task" ADD CONSTRAINT "FK_rule_task_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      ...tenantIsolationSql('rule'),
      ...tenantIsolationSql('rule_firing'),
      ...tenantIsolationSql('rule_task'),
      grantToAppSql('rule'),
      grantToAppSql('rule_firing'),
      grantToAppSql('rule_task'),
    ]) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "rule_task"`);
    await queryRunner.query(`DROP TABLE "rule_firing"`);
    await queryRunner.query(`DROP TABLE "rule"`);
  }
}
