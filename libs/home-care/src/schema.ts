import type { DatabaseSchema } from '@kommuna/platform-persistence';
import { HomeCareCheckLineEntity, HomeCareCheckRunEntity } from './entities/check.entity';
import { HomeCareDecisionEntity, HomeCareDecisionServiceEntity } from './entities/decision.entity';
import { HomeCareImportEntity } from './entities/import.entity';
import { HomeCareInpatientPeriodEntity } from './entities/inpatient-period.entity';
import { HomeCareProviderEntity, HomeCareProviderRateEntity } from './entities/provider.entity';
import { HomeCareCheckInvoiceEntity, HomeCareInvoiceLineEntity, HomeCarePlannedVisitEntity } from './entities/plan-and-invoice.entity';
import { HomeCareDeviationReviewEntity } from './entities/review.entity';
import { HomeCareVisitEntity } from './entities/visit.entity';
import { HomeCareTables1766400000000 } from './migrations/1766400000000-home-care-tables';
import { HomeCareDeviationReview1767500000000 } from './migrations/1767500000000-home-care-deviation-review';
import { HomeCarePlansAndInvoices1767600000000 } from './migrations/1767600000000-home-care-plans-and-invoices';
import { HomeCareAnalyze1767900000000 } from './migrations/1767900000000-home-care-analyze';
import { HomeCareVisitPartitions1768000000100 } from './migrations/1768000000100-home-care-visit-partitions';
import { HomeCareImportMonths1768000000200 } from './migrations/1768000000200-home-care-import-months';
import { HomeCareVisitFileCopy1768000000300 } from './migrations/1768000000300-home-care-visit-file-copy';

/** Home care's tables; the composition adds them to the platform's. */
export const HOME_CARE_DATABASE_SCHEMA: DatabaseSchema = {
  entities: [
    HomeCareImportEntity,
    HomeCareProviderEntity,
    HomeCareProviderRateEntity,
    HomeCareDecisionEntity,
    HomeCareDecisionServiceEntity,
    HomeCareVisitEntity,
    HomeCareInpatientPeriodEntity,
    HomeCareCheckRunEntity,
    HomeCareCheckLineEntity,
    HomeCareDeviationReviewEntity,
    HomeCarePlannedVisitEntity,
    HomeCareInvoiceLineEntity,
    HomeCareCheckInvoiceEntity,
  ],
  migrations: [
    HomeCareTables1766400000000,
    HomeCareDeviationReview1767500000000,
    HomeCarePlansAndInvoices1767600000000,
    HomeCareAnalyze1767900000000,
    HomeCareVisitPartitions1768000000100,
    HomeCareImportMonths1768000000200,
    HomeCareVisitFileCopy1768000000300,
  ],
};
