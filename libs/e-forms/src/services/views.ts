import type { LocalizedText } from '@kommuna/shared-service-contracts';
import type { FormDefinition } from '../definition';
import type { FormVersionStatus } from '../entities/form-version.entity';
import type { AttachmentInfo, DecisionInfo, ReceiptAnswer, SubmissionStatus } from '../receipt';

/** What services return: plain objects the api maps to its GraphQL types. */

export interface FormVersionView {
  id: string;
  version: string;
  status: FormVersionStatus;
  changelog: string;
  definition: FormDefinition;
  /** Provenance: the template version this one copies, as publisher/slug@version. */
  template: { publisher: string; slug: string; version: string } | null;
  createdAt: Date;
  publishedAt: Date | null;
  retiredAt: Date | null;
}

export interface FormView {
  id: string;
  slug: string;
  unit: string;
  /** The version citizens get (highest published), if any. */
  currentVersion: string | null;
  adoptedFrom: { publisher: string; slug: string } | null;
  versions: FormVersionView[];
}

export interface PublishedFormView {
  slug: string;
  unit: string;
  version: string;
  title: LocalizedText;
  description: LocalizedText | null;
  caseType: string;
  loginRequired: boolean;
  definition: FormDefinition;
  publishedAt: Date;
}

export interface TemplateView {
  id: string;
  publisher: string;
  publisherNames: LocalizedText;
  slug: string;
  version: string;
  unit: string;
  changelog: string;
  title: LocalizedText;
  definition: FormDefinition;
  publishedAt: Date;
}

export interface TemplateUpdateView {
  formSlug: string;
  publisher: string;
  templateSlug: string;
  /** The template version the form's newest version copies. */
  adoptedVersion: string;
  latestVersion: string;
  newerVersionAvailable: boolean;
}

export interface DraftView {
  id: string;
  formSlug: string;
  formVersion: string;
  title: LocalizedText;
  data: Record<string, unknown>;
  attachments: AttachmentInfo[];
  updatedAt: Date;
  expiresAt: Date;
}

export interface SubmissionView {
  id: string;
  errandNumber: string;
  formSlug: string;
  formVersion: string;
  title: LocalizedText;
  unit: string;
  status: SubmissionStatus;
  submittedAt: Date;
  subjectPartyId: string | null;
  answers: ReceiptAnswer[];
  data: Record<string, unknown>;
  attachments: AttachmentInfo[];
  decision: DecisionInfo | null;
  completionRequest: { message: LocalizedText; requestedAt: Date } | null;
}

/** A page of submissions, newest first: pass endCursor as `after` for the next. */
export interface SubmissionPage {
  nodes: SubmissionView[];
  endCursor: string | null;
  hasNextPage: boolean;
}

/** A decision's document, ready to send. */
export interface DecisionDocumentFile {
  fileName: string;
  pdf: Uint8Array;
}

/** A submission as the municipality's case system takes it in: who applied, what, and its registration. */
export interface CaseSystemSubmissionView extends SubmissionView {
  caseType: string;
  /** The applicant's identity number (personnummer or organisationsnummer); null for an anonymous form. */
  applicant: { kind: 'person' | 'organisation'; identityNumber: string } | null;
  /** Set once the case system acknowledged the registration. */
  registration: { caseSystemReference: string; registeredAt: Date; registeredBy: string } | null;
}

/**
 * Who applied, as the case worker's unit sees it: the identity number, and for a person their name
 * and registered address from the population register (Navet). A protected person (sekretessmarkering
 * or skyddad folkbokföring) comes with the marker and never with an address.
 */
export interface SubmissionApplicantView {
  kind: 'person' | 'organisation';
  identityNumber: string;
  /** The name as the register gives it; null for an organisation, or when the register did not answer. */
  name: string | null;
  /** The registered address as lines (c/o, street, postal code and city); null when protected or unknown. */
  address: string[] | null;
  protectedIdentity: boolean;
  /** found, not_found (the register does not know the number), unavailable (no register, or it failed) or not_a_person. */
  register: 'found' | 'not_found' | 'unavailable' | 'not_a_person';
}

/** A page of the municipality's submissions, oldest first: pass endCursor as `after` for the next. */
export interface CaseSystemSubmissionPage {
  nodes: CaseSystemSubmissionView[];
  endCursor: string | null;
  hasNextPage: boolean;
}

/** A file to send as it is: a receipt PDF or an attachment. */
export interface SubmissionFile {
  fileName: string;
  contentType: string;
  content: Buffer;
}
