import type { DatabaseSchema } from '@kommuna/platform-persistence';
import { CaseEntity } from './entities/case.entity';
import { CaseEventEntity } from './entities/case-event.entity';
import { DecisionEntity } from './entities/decision.entity';
import { MessageEntity } from './entities/message.entity';
import { RepresentationEntity } from './entities/representation.entity';
import { StaffCaseReadEntity } from './entities/staff-case-read.entity';
import { WaitingSubmissionEventEntity } from './entities/waiting-submission-event.entity';
import { MinasidorCases1764320000000 } from './migrations/1764320000000-minasidor-cases';
import { MinasidorRepresentationRegistrar1766100000000 } from './migrations/1766100000000-minasidor-representation-registrar';
import { MinasidorCaseSystemReference1766300000000 } from './migrations/1766300000000-minasidor-case-system-reference';
import { MinasidorCaseUnitIndex1767700000000 } from './migrations/1767700000000-minasidor-case-unit-index';
import { MinasidorWaitingSubmissionEvents1767800000000 } from './migrations/1767800000000-minasidor-waiting-submission-events';

/** Mina sidor's tables; the api adds them to the platform's. */
export const MINASIDOR_DATABASE_SCHEMA: DatabaseSchema = {
  entities: [
    CaseEntity,
    CaseEventEntity,
    DecisionEntity,
    MessageEntity,
    RepresentationEntity,
    StaffCaseReadEntity,
    WaitingSubmissionEventEntity,
  ],
  migrations: [
    MinasidorCases1764320000000,
    MinasidorRepresentationRegistrar1766100000000,
    MinasidorCaseSystemReference1766300000000,
    MinasidorCaseUnitIndex1767700000000,
    MinasidorWaitingSubmissionEvents1767800000000,
  ],
};
