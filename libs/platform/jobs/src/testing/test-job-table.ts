import { Column, Entity, MigrationInterface, PrimaryColumn, QueryRunner } from 'typeorm';
import { DatabaseSchema, grantToAppSql, PLATFORM_DATABASE_SCHEMA, tenantIsolationSql } from '@kommuna/platform-persistence';

/** A job table shaped as LeaseQueue expects (tenant-owned, forced row-level security), for the queue's own tests. */
export class TestJobTable1900000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `CREATE TABLE test_job (
         tenant_id uuid NOT NULL REFERENCES tenant (id), id uuid NOT NULL, kind varchar(20) NOT NULL,
         claim_id uuid, next_attempt_at timestamptz NOT NULL DEFAULT now(), attempts integer NOT NULL DEFAULT 0,
         last_error text, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz, completed_at timestamptz,
         PRIMARY KEY (tenant_id, id))`,
      // Shaped as digital mail's due index.
      `CREATE INDEX test_job_due ON test_job (tenant_id, kind, next_attempt_at) WHERE completed_at IS NULL`,
      ...tenantIsolationSql('test_job'),
      grantToAppSql('test_job'),
    ]) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE test_job`);
  }
}

/** test_job as an entity (the columns a claim returns), for a queue that reads its claims as the entity. */
@Entity({ name: 'test_job' })
export class TestJobEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 20 })
  kind!: string;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt!: Date;
}

export const TEST_JOB_SCHEMA: DatabaseSchema = {
  entities: [...(PLATFORM_DATABASE_SCHEMA.entities as []), TestJobEntity],
  migrations: [...PLATFORM_DATABASE_SCHEMA.migrations, TestJobTable1900000000000],
};
