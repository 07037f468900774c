import type { DatabaseSchema } from '@kommuna/platform-persistence';
import { FollowUpEntity } from './entities/follow-up.entity';
import { ProcessedEventEntity } from './entities/processed-event.entity';
import { StatusDecisionEntity } from './entities/status-decision.entity';
import { UsageMonthlyEntity } from './entities/usage-monthly.entity';
import { YearClosingEntity } from './entities/year-closing.entity';
import { DemoMarkerEntity } from './entities/demo-marker.entity';
import { CatalogueTables1764400000000 } from './migrations/1764400000000-catalogue-tables';
import { CatalogueMinimumCellSize1765000000000 } from './migrations/1765000000000-catalogue-minimum-cell-size';
import { CatalogueClosedYearsAndDemoMarker1766500000000 } from './migrations/1766500000000-catalogue-closed-years-and-demo-marker';

/** The catalogue's tables; the api adds them to the platform's. */
export const CATALOGUE_DATABASE_SCHEMA: DatabaseSchema = {
  entities: [UsageMonthlyEntity, ProcessedEventEntity, FollowUpEntity, StatusDecisionEntity, YearClosingEntity, DemoMarkerEntity],
  migrations: [CatalogueTables1764400000000, CatalogueMinimumCellSize1765000000000, CatalogueClosedYearsAndDemoMarker1766500000000],
};
