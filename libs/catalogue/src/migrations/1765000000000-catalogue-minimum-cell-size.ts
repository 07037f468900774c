import { MigrationInterface, QueryRunner } from 'typeorm';
import { MIN_CELL_SIZE } from '../disclosure';

/**
 * The one cross-municipality read of usage suppresses small cells (issue 23, fault 8): a count of
 * 1 to MIN_CELL_SIZE - 1 comes back as NULL, so the app role never sees it at all. Same signature
 * and grants as before.
 */
export class CatalogueMinimumCellSize1765000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE OR REPLACE FUNCTION catalogue_usage_between(p_from date, p_to date)
         RETURNS TABLE (tenant_id uuid, service character varying, metric character varying, month date, count bigint)
         LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
         $$ SELECT u.tenant_id, u.service, u.metric, u.month,
                   CASE WHEN u.count > 0 AND u.count < ${MIN_CELL_SIZE} THEN NULL ELSE u.count END
              FROM catalogue_usage_monthly u
             WHERE u.month >= p_from AND u.month <= p_to $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE OR REPLACE FUNCTION catalogue_usage_between(p_from date, p_to date)
         RETURNS TABLE (tenant_id uuid, service character varying, metric character varying, month date, count bigint)
         LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
         $$ SELECT u.tenant_id, u.service, u.metric, u.month, u.count FROM catalogue_usage_monthly u
             WHERE u.month >= p_from AND u.month <= p_to $$`);
  }
}
