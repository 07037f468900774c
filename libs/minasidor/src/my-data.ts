import { Database } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { withSafeLinks } from './document-links';
import { Municipalities } from './municipalities';
import { Representations } from './representations';

/**
 * Everything Mina sidor holds about a person (GDPR art. 15), from every member municipality:
 * their party record, cases with timelines, decisions and messages, and their representations.
 * Read in the person's subject context, so no other person's row can be part of it.
 */
export class MyDataExport {
  constructor(
    private readonly database: Database,
    private readonly municipalities: Municipalities,
    private readonly representations: Representations,
  ) {}

  async export(personPartyId: string): Promise<Record<string, unknown>> {
    const scope = { tenantId: undefined, tenantSlug: undefined, subjectId: personPartyId };
    const data = await requestContext.extend(scope, () =>
      this.database.transaction(async (em) => {
        const [party] = await em.query(`SELECT id, kind, identity_number, created_at FROM party WHERE id = $1`, [personPartyId]);
        const cases = await em.query(`SELECT * FROM minasidor_case WHERE subject_party_id = $1 ORDER BY created_at, id`, [personPartyId]);
        const timeline = await em.query(`SELECT * FROM minasidor_case_event WHERE subject_party_id = $1 ORDER BY occurred_at, id`, [
          personPartyId,
        ]);
        const decisions = await em.query(`SELECT * FROM minasidor_decision WHERE subject_party_id = $1 ORDER BY decided_at, id`, [
          personPartyId,
        ]);
        const messages = await em.query(`SELECT * FROM minasidor_message WHERE subject_party_id = $1 ORDER BY sent_at, id`, [
          personPartyId,
        ]);
        return { party, cases, timeline, decisions, messages };
      }),
    );
    const byCase = (rows: Array<Record<string, unknown>>, caseId: string) =>
      rows.filter((row) => row.case_id === caseId).map(({ tenant_id: _t, case_id: _c, subject_party_id: _s, ...rest }) => rest);
    return {
      exportedAt: new Date().toISOString(),
      service: 'Kommuna Mina sidor',
      party: data.party
        ? { partyId: data.party.id, kind: data.party.kind, identityNumber: data.party.identity_number, registeredAt: data.party.created_at }
        : { partyId: personPartyId },
      cases: data.cases.map((c: { id: string; tenant_id: string; internal_status: string }) => ({
        ...c,
        municipality: this.municipalities.municipalityOf(c.tenant_id),
        statusLabel: this.municipalities.labelOf(c.tenant_id, c.internal_status).label,
        timeline: byCase(data.timeline, c.id),
        decisions: byCase(data.decisions, c.id).map((d) => ({ ...d, documents: withSafeLinks(d.documents) })),
        messages: byCase(data.messages, c.id),
      })),
      representations: await this.representations.allFor(personPartyId),
    };
  }
}
