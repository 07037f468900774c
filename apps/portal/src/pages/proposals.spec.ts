import type { ProposalsView } from '../data';
import { proposalsPage } from './proposals';

describe('the proposals page', () => {
  it("shows the day a proposal was recorded in Sweden, not UTC's date", () => {
    const data: ProposalsView = {
      me: { subject: 'styrgrupp-1', roles: ['steering_group'] },
      tenants: [{ slug: 'ange', names: { sv: 'Ånge kommun', en: 'Ånge Municipality' } }],
      catalogueProposals: [
        {
          id: 'p1',
          title: { sv: 'Robotkontroll', en: 'Robot check' },
          description: { sv: 'Beskrivning', en: 'Description' },
          origin: 'build',
          supplier: null,
          estimatedYearlyCostSek: null,
          proposedBy: 'ange',
          // 00:30 on 8 December in Sweden; the UTC date is still the 7th.
          recordedAt: '2026-12-07T23:30:00.000Z',
          status: 'open',
          interests: [],
          decisions: [],
        },
      ],
    };
    const body = proposalsPage('sv', data, 'csrf').body.value;
    expect(body).toContain('Föreslaget av Ånge kommun, 2026-12-08</p>');
    expect(body).not.toContain('2026-12-07');
  });
});
