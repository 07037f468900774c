import { MigrationInterface, QueryRunner } from 'typeorm';
import { grantToAppSql } from '@kommuna/platform-persistence';

/**
 * Proposals (issue 22): a member proposes a shared service (to build here, to procure together, or
 * its own to share), other members register interest, and the steering group decides with a diary
 * number. All three are platform-level and append-only: the app may read and add, never change.
 */
export class CatalogueProposals1767400000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE "catalogue_proposal" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "title_sv" character varying(200) NOT NULL, "title_en" character varying(200) NOT NULL, "description_sv" text NOT NULL, "description_en" text NOT NULL, "origin" character varying(16) NOT NULL, "supplier" character varying(200), "estimated_yearly_cost_sek" integer, "proposed_by" character varying(63) NOT NULL, "recorded_by" character varying(200) NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_catalogue_proposal_origin" CHECK (origin IN ('build', 'procure', 'existing')), CONSTRAINT "PK_catalogue_proposal" PRIMARY KEY ("id"))`,
      `CREATE TABLE "catalogue_proposal_decision" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "proposal_id" uuid NOT NULL, "outcome" character varying(16) NOT NULL, "decided_on" date NOT NULL, "diary_number" character varying(60) NOT NULL, "note" text, "recorded_by" character varying(200) NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_catalogue_proposal_decision_outcome" CHECK (outcome IN ('accepted', 'rejected', 'postponed')), CONSTRAINT "PK_catalogue_proposal_decision" PRIMARY KEY ("id"))`,
      `CREATE INDEX "IDX_catalogue_proposal_decision_proposal" ON "catalogue_proposal_decision"  ("proposal_id", "recorded_at")`,
      `CREATE TABLE "catalogue_proposal_interest" ("proposal_id" uuid NOT NULL, "municipality" character varying(63) NOT NULL, "note" text, "recorded_by" character varying(200) NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_catalogue_proposal_interest" PRIMARY KEY ("proposal_id", "municipality"))`,
      `ALTER TABLE "catalogue_proposal_decision" ADD CONSTRAINT "FK_catalogue_proposal_decision_proposal" FOREIGN KEY ("proposal_id") REFERENCES "catalogue_proposal"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "catalogue_proposal_interest" ADD CONSTRAINT "FK_catalogue_proposal_interest_proposal" FOREIGN KEY ("proposal_id") REFERENCES "catalogue_proposal"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      grantToAppSql('catalogue_proposal', ['SELECT', 'INSERT']),
      grantToAppSql('catalogue_proposal_interest', ['SELECT', 'INSERT']),
      grantToAppSql('catalogue_proposal_decision', ['SELECT', 'INSERT']),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "catalogue_proposal_interest"`);
    await queryRunner.query(`DROP TABLE "catalogue_proposal_decision"`);
    await queryRunner.query(`DROP TABLE "catalogue_proposal"`);
  }
}
