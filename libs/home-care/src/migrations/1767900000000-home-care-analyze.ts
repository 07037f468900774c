import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '@kommuna/platform-persistence';

/**
 * Home care (issue 20): statistics right after an import. An import can add a million visits
 * at once and the month's check often runs straight after, before autovacuum has analysed the
 * table; on stale statistics PostgreSQL plans the check's joins for an empty table. Only a
 * table's owner may ANALYZE it, so the app role calls this function (owner's rights, fixed
 * search_path), which analyses the tables of one kind of file and nothing else.
 */
export class HomeCareAnalyze1767900000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `CREATE FUNCTION home_care_analyze(kind text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
       BEGIN
         CASE kind
           WHEN 'providers' THEN ANALYZE home_care_provider, home_care_provider_rate;
           WHEN 'decisions' THEN ANALYZE home_care_decision, home_care_decision_service;
           WHEN 'visits' THEN ANALYZE home_care_visit;
           WHEN 'inpatient_periods' THEN ANALYZE home_care_inpatient_period;
           WHEN 'planned_visits' THEN ANALYZE home_care_planned_visit;
           WHEN 'invoices' THEN ANALYZE home_care_invoice_line;
           ELSE RAISE EXCEPTION 'home_care_analyze: unknown kind %', kind;
         END CASE;
       END $$`,
      `REVOKE ALL ON FUNCTION home_care_analyze(text) FROM PUBLIC`,
      `GRANT EXECUTE ON FUNCTION home_care_analyze(text) TO ${APP_ROLE}`,
    ])
      await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION home_care_analyze(text)`);
  }
}
