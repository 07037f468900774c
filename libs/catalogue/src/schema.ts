import type { DatabaseSchema } from '@kommuna/platform-persistence';
import { FollowUpEntity } from './entities/follow-up.entity';
import { ProcessedEventEntity } from './entities/processed-event.entity';
import { StatusDecisionEntity } from './entities/status-decision.entity';
import { UsageMonthlyEntity } from './entities/usage-monthly.entity';
import { YearClosingEntity } from './entities/year-closing.entity';
import { DemoMarkerEntity } from './entities/demo-marker.entity';
import { ProposalEntity } from './entities/proposal.entity';
import { ProposalDecisionEntity } from './entities/proposal-decision.entity';
import { ProposalInterestEntity } from './entities/proposal-interest.entity';
import { CatalogueTables1764400000000 } from './migrations/1764400000000-catalogue-tables';
import { CatalogueMinimumCellSize1765000000000 } from './migrations/1765000000000-catalogue-minimum-cell-size';
import { CatalogueClosedYearsAndDemoMarker1766500000000 } from './migrations/1766500000000-catalogue-closed-years-and-demo-marker';
import { CatalogueProposals1767400000000 } from './migrations/1767400000000-catalogue-proposals';

/** The catalogue's tables; the api adds them to the platform's. */
export const CATALOGUE_DATABASE_SCHEMA: DatabaseSchema = {
  entities: [
    UsageMonthlyEntity,
    ProcessedEventEntity,
    FollowUpEntity,
    StatusDecisionEntity,
    YearClosingEntity,
    DemoMarkerEntity,
    ProposalEntity,
    ProposalInterestEntity,
    ProposalDecisionEntity,
  ],
  migrations: [
    CatalogueTables1764400000000,
    CatalogueMinimumCellSize1765000000000,
    CatalogueClosedYearsAndDemoMarker1766500000000,
    CatalogueProposals1767400000000,
  ],
};
