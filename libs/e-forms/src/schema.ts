import type { DatabaseSchema } from '@kommuna/platform-persistence';
import { AttachmentEntity } from './entities/attachment.entity';
import { DecisionEntity } from './entities/decision.entity';
import { DraftEntity } from './entities/draft.entity';
import { ErrandCounterEntity } from './entities/errand-counter.entity';
import { FormVersionEntity } from './entities/form-version.entity';
import { FormEntity } from './entities/form.entity';
import { SubmissionEntity } from './entities/submission.entity';
import { TemplateEntity } from './entities/template.entity';
import { EForms1764316800000 } from './migrations/1764316800000-e-forms';
import { EFormsRetention1764576000000 } from './migrations/1764576000000-e-forms-retention';
import { EFormsCompletionValidity1766200000000 } from './migrations/1766200000000-e-forms-completion-validity';
import { EFormsCaseSystem1766300000000 } from './migrations/1766300000000-e-forms-case-system';

/** The e-forms tables; apps add them to the platform's. */
export const E_FORMS_DATABASE_SCHEMA: DatabaseSchema = {
  entities: [
    FormEntity,
    FormVersionEntity,
    TemplateEntity,
    DraftEntity,
    SubmissionEntity,
    AttachmentEntity,
    ErrandCounterEntity,
    DecisionEntity,
  ],
  migrations: [EForms1764316800000, EFormsRetention1764576000000, EFormsCompletionValidity1766200000000, EFormsCaseSystem1766300000000],
};
