import type { CaseMaterial, CaseSource, StaffMember } from '@kommuna/ai';
import { type CaseView, Minasidor } from '@kommuna/minasidor';
import { Database } from '@kommuna/platform-persistence';
import { stockholmDay } from '@kommuna/shared-identifiers';

/**
 * Mina sidor's cases as material for the AI platform, read through its staff view: a case worker
 * reaches their own unit's cases only (others are NOT_FOUND), and the read is recorded there. The
 * subject's identity number comes from the party register, so the pseudonymiser can hide it; the
 * register holds no names or addresses, so names come from the case worker's request.
 */
export class MinasidorCaseSource implements CaseSource {
  constructor(
    private readonly minasidor: Minasidor,
    private readonly database: Database,
  ) {}

  async read(staff: StaffMember, caseId: string): Promise<CaseMaterial> {
    const view = await this.minasidor.staff.read(staff, caseId);
    const [party] = await this.database.transaction((em) =>
      em.query(`SELECT identity_number FROM party WHERE id = $1`, [view.subjectPartyId]),
    );
    return caseMaterialOf(view, party?.identity_number as string | undefined);
  }
}

/** A case as lines for the model; the dates are the municipality's days, in Sweden, as the case worker reads them. */
export function caseMaterialOf(view: CaseView, identityNumber: string | undefined): CaseMaterial {
  return {
    caseId: view.id,
    unit: view.unit,
    caseType: view.caseType,
    parties: identityNumber ? [{ identityNumber }] : [],
    sections: [
      {
        heading: 'Ärende',
        lines: [
          { label: 'Rubrik', text: view.title.sv },
          { label: 'Status', text: `${view.status.internalStatus} sedan ${stockholmDay(view.status.changedAt)}` },
        ],
      },
      {
        heading: 'Tidslinje',
        lines: view.timeline.map((entry, i) => ({
          label: `Tidslinje ${i + 1}`,
          text: `${stockholmDay(entry.occurredAt)} ${entry.kind}${entry.text ? `. ${entry.text.sv}` : ''}`,
        })),
      },
      {
        heading: 'Beslut',
        lines: view.decisions.map((d, i) => ({
          label: `Beslut ${i + 1}`,
          text: `${stockholmDay(d.decidedAt)} ${d.decisionType}: ${d.outcome}${d.legalBasis ? ` (SFS ${d.legalBasis.sfs})` : ''}. ${d.reasons.map((r) => r.text.sv).join(' ')}`.trim(),
        })),
      },
      {
        heading: 'Meddelanden',
        lines: view.messages.map((m, i) => ({
          label: `Meddelande ${i + 1}`,
          text: `${m.author === 'citizen' ? 'Sökande' : 'Kommunen'}: ${m.body}`,
        })),
      },
    ].filter((section) => section.lines.length > 0),
  };
}
