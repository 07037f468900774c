import { MigrationInterface, QueryRunner } from 'typeorm';
import { grantToAppSql, tenantIsolationSql } from '@kommuna/platform-persistence';

/**
 * Events in (issue 18 item 5): the types a municipality registered for its own systems, and the
 * events delivered, stored once per source and id. Both tenant tables under forced row-level security.
 */
export class InboundEvents1767200000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `CREATE TABLE "inbound_event_type" ("tenant_id" uuid NOT NULL, "cloud_event_type" character varying(200) NOT NULL, "summary" character varying(500) NOT NULL, "data_schema" jsonb NOT NULL, "created_by" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_inbound_event_type" PRIMARY KEY ("tenant_id", "cloud_event_type"))`,
      `CREATE TABLE "inbound_event" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "source" character varying(500) NOT NULL, "event_id" character varying(200) NOT NULL, "type" character varying(200) NOT NULL, "subject" character varying(500), "time" TIMESTAMP WITH TIME ZONE, "data" jsonb NOT NULL, "received_via" character varying(10) NOT NULL, "received_from" character varying(300) NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_inbound_event_source_id" UNIQUE ("tenant_id", "source", "event_id"), CONSTRAINT "PK_inbound_event" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE INDEX "IDX_inbound_event_received" ON "inbound_event" ("tenant_id", "received_at")`,
      `ALTER TABLE "inbound_event_type" ADD CONSTRAINT "FK_inbound_event_type_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "inbound_event" ADD CONSTRAINT "FK_inbound_event_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      ...tenantIsolationSql('inbound_event_type'),
      ...tenantIsolationSql('inbound_event'),
      grantToAppSql('inbound_event_type'),
      grantToAppSql('inbound_event'),
    ]) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "inbound_event"`);
    await queryRunner.query(`DROP TABLE "inbound_event_type"`);
  }
}
