import { MigrationInterface, QueryRunner } from 'typeorm';
import { grantToAppSql, tenantIsolationSql } from '@kommuna/platform-persistence';

/**
 * E-forms events that arrive before their submission's case wait in Mina sidor's own table
 * (tenant-owned, forced RLS), instead of Mina sidor reading the outbox's unpublished rows.
 */
export class MinasidorWaitingSubmissionEvents1767800000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE "minasidor_waiting_submission_event" ("tenant_id" uuid NOT NULL, "event_id" uuid NOT NULL, "submission_id" character varying(200) NOT NULL, "type" character varying(200) NOT NULL, "data" jsonb NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_minasidor_waiting_submission_event" PRIMARY KEY ("tenant_id", "event_id"))`,
      `CREATE INDEX "IDX_minasidor_waiting_submission_event_submission" ON "minasidor_waiting_submission_event" ("tenant_id", "submission_id", "occurred_at") `,
      `ALTER TABLE "minasidor_waiting_submission_event" ADD CONSTRAINT "FK_minasidor_waiting_submission_event_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      ...tenantIsolationSql('minasidor_waiting_submission_event'),
      // Waiting events are written once, then taken (deleted) when their case is made.
      grantToAppSql('minasidor_waiting_submission_event', ['SELECT', 'INSERT', 'DELETE']),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "minasidor_waiting_submission_event"`);
  }
}
