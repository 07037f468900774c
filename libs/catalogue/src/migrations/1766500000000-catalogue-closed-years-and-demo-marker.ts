import { MigrationInterface, QueryRunner } from 'typeorm';
import { grantToAppSql } from '@kommuna/platform-persistence';

/**
 * Closed years (issue 22): a steering-group decision freezes a year's cost shares as decided
 * (append-only, one per year), and a marker that the database holds demo figures, so everything
 * shown from it says so.
 */
export class CatalogueClosedYearsAndDemoMarker1766500000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE "catalogue_year_closing" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "year" integer NOT NULL, "decided_on" date NOT NULL, "diary_number" character varying(60) NOT NULL, "figures" jsonb NOT NULL, "recorded_by" character varying(200) NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_catalogue_year_closing_year" CHECK (year BETWEEN 2000 AND 2100), CONSTRAINT "PK_catalogue_year_closing" PRIMARY KEY ("id"))`,
      `CREATE UNIQUE INDEX "UQ_catalogue_year_closing_year" ON "catalogue_year_closing"  ("year") `,
      `CREATE TABLE "catalogue_demo_marker" ("id" smallint NOT NULL, "note" text NOT NULL, "seeded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_catalogue_demo_marker_one" CHECK (id = 1), CONSTRAINT "PK_catalogue_demo_marker" PRIMARY KEY ("id"))`,
      // Decided years are added to, never changed: the app may not update or delete them.
      grantToAppSql('catalogue_year_closing', ['SELECT', 'INSERT']),
      grantToAppSql('catalogue_demo_marker', ['SELECT', 'INSERT']),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "catalogue_demo_marker"`);
    await queryRunner.query(`DROP TABLE "catalogue_year_closing"`);
  }
}
