import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pdfText } from '@kommuna/platform-testing';
import type { MeetingPackData } from './data';
import { meetingPackCsv, meetingPackOf, meetingPackPdf, MeetingPack } from './exports';
import { SessionStore, SessionStoreFullError, csrfMatches } from './http/sessions';

const pack: MeetingPack = {
  year: 2025,
  demo: false,
  closed: null,
  period: { from: '2024-12-01', to: '2025-11-01' },
  rows: [
    {
      serviceId: 'e-forms',
      service: 'E-tjänster',
      status: 'beta',
      version: '0.1.0',
      municipality: 'Ånge kommun',
      stage: 'production',
      allocationKey: 'per_capita',
      budgetSek: 100,
      shareSek: 40,
      estimatedLowSek: 10.4,
      estimatedHighSek: 20.6,
      usage: [{ metric: 'Inskickade', count: 3 }],
    },
    {
      serviceId: 'e-forms',
      service: 'E-tjänster',
      status: 'beta',
      version: '0.1.0',
      municipality: '=HYPERLINK("x")',
      stage: 'piloting',
      allocationKey: 'per_capita',
      budgetSek: 100,
      shareSek: 60,
      estimatedLowSek: 0,
      estimatedHighSek: 0,
      usage: [],
    },
  ],
  services: [],
  decisions: [],
};

describe('meeting pack exports', () => {
  it('writes CSV for Excel in Swedish: BOM, semicolons, quoted cells, no formulas', () => {
    const csv = meetingPackCsv(pack, 'sv');
    expect(csv.startsWith('\uFEFFÅr;Tjänst-id;Tjänst;Status')).toBe(true);
    const lines = csv.slice(1).trim().split('\r\n');
    expect(lines[1]).toBe(
      '2025;e-forms;E-tjänster;Beta;0.1.0;Ånge kommun;I produktion;Per invånare;100;40;10;21;-30;-19;2024-12..2025-11;Inskickade: 3',
    );
    // A cell that a spreadsheet would run as a formula is defused and quoted.
    expect(lines[2]).toContain(`;"'=HYPERLINK(""x"")";`);
    expect(meetingPackCsv(pack, 'en').split('\r\n')[0]).toContain('Municipality share (SEK)');
  });

  it('marks demo figures before the header and in every row, and says so in the PDF', async () => {
    const demo = { ...pack, demo: true };
    const lines = meetingPackCsv(demo, 'sv').slice(1).trim().split('\r\n');
    expect(lines[0]).toMatch(/^DEMODATA/);
    expect(lines[1]).toMatch(/^År;.*;Demo$/);
    expect(lines.slice(2)).toHaveLength(2);
    for (const row of lines.slice(2)) expect(row.endsWith(';DEMO')).toBe(true);
    expect(meetingPackCsv(pack, 'sv')).not.toMatch(/DEMO/i);
    const { PDFDocument } = await import('pdf-lib');
    const pdf = await PDFDocument.load(await meetingPackPdf(demo, 'en', new Date('2025-11-20T10:00:00Z')));
    expect(pdf.getSubject()).toMatch(/^DEMO DATA/);
  });

  it('weighs each service: cost, estimated and net benefit, benefit per krona, what was followed up, and the items for decision', () => {
    const name = (sv: string) => ({ sv, en: sv });
    const data: MeetingPackData = {
      catalogueDemo: false,
      tenants: [{ slug: 'ange', names: name('Ånge kommun') }],
      catalogueProposals: [
        { title: name('Robotkontroll'), status: 'open', proposedBy: 'ange', interests: [{ municipality: 'sundsvall' }] },
        { title: name('Beslutat förslag'), status: 'accepted', proposedBy: 'ange', interests: [] },
      ],
      catalogueServices: [
        {
          id: 'digital-mail',
          name: name('Digital post'),
          status: 'stable',
          version: '1.0.0',
          metrics: [],
          cost: { allocationKey: 'per_use' },
          adoption: [],
        },
        {
          id: 'ai',
          name: name('AI-plattform'),
          status: 'beta',
          version: '0.1.0',
          metrics: [],
          cost: { allocationKey: 'equal' },
          adoption: [],
        },
      ],
      catalogueCosts: [
        { service: 'digital-mail', budgetSek: 300, allocationKey: 'per_use', appliedKey: 'per_use', closed: null, shares: [] },
        { service: 'ai', budgetSek: 1000, allocationKey: 'equal', appliedKey: 'equal', closed: null, shares: [] },
      ],
      municipalities: ['Sundsvall', 'Ånge'].map((n, i) => ({
        slug: n.toLowerCase(),
        names: name(`${n} kommun`),
        population: 1000,
        months: ['2025-01-01', '2025-12-01'],
        services: [
          { service: 'digital-mail', stage: 'production', costSek: 150, usage: [], estimatedLowSek: 600 + i * 100, estimatedHighSek: 900 },
          { service: 'ai', stage: 'piloting', costSek: 500, usage: [], estimatedLowSek: 50, estimatedHighSek: 100 },
        ],
      })),
      benefits: {
        'digital-mail': [
          {
            hypothesis: { id: 'h', name: name('Servicecentrets tid'), basis: 'members_estimate' },
            totalEstimatedLowSek: 1300,
            totalEstimatedHighSek: 1800,
            totalFollowedUpSek: 1500,
          },
        ],
        ai: [
          {
            hypothesis: { id: 'c', name: name('Samtal'), basis: 'members_estimate' },
            totalEstimatedLowSek: 100,
            totalEstimatedHighSek: 200,
            totalFollowedUpSek: null,
          },
        ],
      },
    } as unknown as MeetingPackData;
    const pack = meetingPackOf(data, 2025, 'sv');
    expect(
      pack.services.map((s) => [
        s.serviceId,
        s.costSek,
        s.estimatedLowSek,
        s.estimatedHighSek,
        s.netLowSek,
        s.netHighSek,
        s.returnLow,
        s.returnHigh,
      ]),
    ).toEqual([
      ['digital-mail', 300, 1300, 1800, 1000, 1500, 1300 / 300, 6],
      ['ai', 1000, 100, 200, -900, -800, 0.1, 0.2],
    ]);
    expect(pack.services[0].hypotheses).toEqual([
      { name: 'Servicecentrets tid', basis: 'members_estimate', estimatedLowSek: 1300, estimatedHighSek: 1800, followedUpSek: 1500 },
    ]);
    expect(pack.decisions).toEqual([
      'Fastställa kostnadsfördelningen för 2025 (året stängs)',
      'Besluta om förslaget "Robotkontroll" (Ånge kommun; 1 kommun till intresserad)',
      'Uppdra åt tjänsteägaren att följa upp nyttan "Samtal" (AI-plattform)',
      'Pröva fortsatt finansiering av AI-plattform: kostnaden överstiger den högsta uppskattade nyttan',
    ]);
    const closed = meetingPackOf(
      {
        ...data,
        catalogueCosts: data.catalogueCosts.map((c) => ({ ...c, closed: { decidedOn: '2026-01-20', diaryNumber: 'KS 2026/1' } })),
      },
      2025,
      'en',
    );
    expect(closed.decisions.slice(0, 2)).toEqual([
      'Decide on the proposal "Robotkontroll" (Ånge kommun; 1 more member interested)',
      'Ask the owner to follow up "Samtal" (AI-plattform)',
    ]);
  });

  it('writes an accessible PDF: tagged, titled, a table per service, the figures as written', async () => {
    const bytes = await meetingPackPdf(pack, 'sv', new Date('2025-11-20T10:00:00Z'));
    const text = pdfText(bytes);
    expect(text).toContain('Underlag till styrgruppsmötet 2025');
    for (const row of pack.rows) expect(text).toContain(row.municipality);
    expect(text).not.toContain('?');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-meeting-pack-'));
    try {
      const file = path.join(dir, 'pack.pdf');
      fs.writeFileSync(file, bytes);
      const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
      expect(info).toMatch(/^Tagged:\s+yes$/m);
      expect(info).toMatch(/^Title:\s+Underlag till styrgruppsmötet 2025$/m);
      const tree = execFileSync('pdfinfo', ['-struct', file], { encoding: 'utf8' });
      for (const kind of ['H1', 'H2', 'Table', 'TH', 'TD']) expect(tree).toContain(kind);
      expect(text).toContain('Att besluta');
      expect(text).toContain('Nettonytta per tjänst');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("dates the pack with the day in Sweden, not UTC's date", async () => {
    // 00:30 on 8 December in Sweden; the UTC date is still the 7th.
    // The line may wrap anywhere: read the text as one line.
    const text = pdfText(await meetingPackPdf(pack, 'sv', new Date('2026-12-07T23:30:00Z'))).replace(/\s+/g, ' ');
    expect(text).toContain('Skapat 2026-12-08.');
    expect(text).not.toContain('2026-12-07');
  });
});

describe('portal sessions', () => {
  it('ends a session with its token, takes a login state once, and compares CSRF tokens exactly', () => {
    let now = 1_000;
    const store = new SessionStore(() => now, 3);
    const session = store.create({ accessToken: 'token', accessTokenExpiresAt: 2_000 }, 2_000, { subject: 's', name: 'S', roles: [] });
    expect(store.get(session.id)).toBe(session);
    expect(csrfMatches(session, session.csrfToken)).toBe(true);
    expect(csrfMatches(session, `${session.csrfToken}x`)).toBe(false);
    expect(csrfMatches(session, undefined)).toBe(false);
    const login = store.startLogin({ state: 'state', verifier: 'verifier', nonce: 'nonce' }, '/catalogue');
    expect(store.finishLogin(login.state)).toMatchObject({ verifier: 'verifier', nonce: 'nonce' });
    expect(store.finishLogin(login.state)).toBeUndefined();
    now = 2_000;
    expect(store.get(session.id)).toBeUndefined();
  });

  it('stays bounded however many log in, refusing the rest rather than ending a live session', () => {
    const store = new SessionStore(() => 0, 3);
    const first = store.create({ accessToken: 't', accessTokenExpiresAt: 10 }, 10, { subject: 'a', name: 'a', roles: [] });
    for (let i = 0; i < 2; i++)
      store.create({ accessToken: 't', accessTokenExpiresAt: 10 }, 10, { subject: String(i), name: '', roles: [] });
    for (let i = 2; i < 5; i++)
      expect(() => store.create({ accessToken: 't', accessTokenExpiresAt: 10 }, 10, { subject: String(i), name: '', roles: [] })).toThrow(
        SessionStoreFullError,
      );
    expect(store.size).toBe(3);
    expect(store.get(first.id)).toBe(first);
  });
});
