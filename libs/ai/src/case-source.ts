import type { KnownParty } from './pseudonymiser';

/** A member of staff as the AI platform needs them (from the verified token). */
export interface StaffMember {
  subject: string;
  /** The unit they work in: they reach that unit's cases only (OSL secrecy boundary). */
  unit?: string | null;
}

/** A case as material for a model: labelled lines, and the parties to hide from it. */
export interface CaseMaterial {
  caseId: string;
  /** The unit that handles the case: it decides the data class, and who sees the drafts. */
  unit: string;
  caseType: string;
  /** Sections of the case (answers, timeline, decisions, messages), each line labelled so a summary can cite it. */
  sections: Array<{ heading: string; lines: Array<{ label: string; text: string }> }>;
  parties: KnownParty[];
}

/**
 * Where cases come from (Mina sidor, e-forms): the api gives the AI platform a source that reads a
 * case as the staff member may, so unit secrecy is the case service's own rule. A case the staff
 * member may not see is answered as not found, and its read is recorded there.
 */
export interface CaseSource {
  read(staff: StaffMember, caseId: string): Promise<CaseMaterial>;
}
