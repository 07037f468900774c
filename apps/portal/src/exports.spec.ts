import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pdfText } from '@kommuna/platform-testing';
import { meetingPackCsv, meetingPackPdf, MeetingPack } from './exports';
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
};

describe('meeting pack exports', () => {
  it('writes CSV for Excel in Swedish: BOM, semicolons, quoted cells, no formulas', () => {
    const csv = meetingPackCsv(pack, 'sv');
    expect(csv.startsWith('\uFEFFÅr;Tjänst-id;Tjänst;Status')).toBe(true);
    const lines = csv.slice(1).trim().split('\r\n');
    expect(lines[1]).toBe(
      '2025;e-forms;E-tjänster;Beta;0.1.0;Ånge kommun;I produktion;Per invånare;100;40;10;21;2024-12..2025-11;Inskickade: 3',
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
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
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
