import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EntityManager } from 'typeorm';
import { ArchiveMunicipality, collectCase } from './archived-case';
import type { CaseArchiveContributor, CaseContribution } from './contribution';
import { parseArchiveDate } from './closed-period';
import {
  ArchiveCaseNotFoundError,
  ArchiveCaseOpenError,
  ArchiveCasePurgedError,
  ArchiveExportInvalidError,
  ArchivePackageInvalidError,
} from './errors';
import { validateSipPackage } from './package-validation';
import { writeSipPackage } from './sip-package';

const municipality: ArchiveMunicipality = {
  id: '00000000-0000-4000-8000-000000000001',
  slug: 'sundsvall',
  kommunkod: '2281',
  organisationsnummer: '212000-2411',
  names: { sv: 'Sundsvalls kommun', en: 'Sundsvall Municipality' },
};
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const at = (iso: string) => new Date(iso);
// collectCase hands the transaction to the contributors; these ones read nothing from it.
const em = {} as EntityManager;

/** Two services' parts of one case, as e-forms and Mina sidor give them (the decision in both). */
function parts(overrides: { eForms?: Partial<CaseContribution['header']>; minasidor?: Partial<CaseContribution['header']> } = {}) {
  const decision = {
    key: 'decision:7d0c2f4e-1111-4222-8333-444455556666',
    recordType: 'decision',
    title: { sv: 'Beslut', en: 'Decision' },
    direction: 'outgoing' as const,
    createdAt: at('2026-03-02T10:00:00Z'),
    files: [{ name: 'Beslut PTS-2026-000001.pdf', contentType: 'application/pdf', content: PDF }],
    decision: {
      outcome: 'rejection',
      automated: true,
      decidedAt: at('2026-03-02T10:00:00Z'),
      decidedBy: null,
      reasons: [{ sv: 'Funktionsnedsättningen varar kortare än sex månader', en: 'The disability lasts less than six months' }],
      legalBasis: [{ sfs: '1998:1276', chapter: '13', section: '8', title: 'Trafikförordningen' }],
      validFrom: null,
      validTo: null,
      appealInstructions: { sv: 'Överklaga till förvaltningsrätten inom tre veckor.', en: 'Appeal within three weeks.' },
    },
  };
  const eForms: CaseContribution = {
    source: 'e-forms',
    header: {
      title: { sv: 'Parkeringstillstånd', en: 'Parking permit' },
      caseType: 'parkeringstillstand',
      unit: 'socialtjanst',
      openedAt: at('2026-03-01T09:00:00Z'),
      closed: true,
      closedAt: at('2026-03-02T10:00:00Z'),
      status: 'decided',
      caseSystemReference: null,
      party: { partyId: '5b0d7a36-9d35-4b8e-8c41-2f0a3c9d1e77', kind: 'person' },
      ...overrides.eForms,
    },
    records: [
      {
        key: 'submission:1',
        recordType: 'application',
        title: { sv: 'Ansökan', en: 'Application' },
        direction: 'incoming',
        createdAt: at('2026-03-01T09:00:00Z'),
        files: [
          { name: 'kvittens.pdf', contentType: 'application/pdf', content: PDF },
          { name: 'svar.json', contentType: 'application/json', content: Buffer.from('{"roll":"forare"}') },
        ],
      },
      {
        key: 'attachment:1',
        recordType: 'attachment',
        title: { sv: 'Läkarintyg', en: 'Medical certificate' },
        direction: 'incoming',
        createdAt: at('2026-03-01T09:00:00Z'),
        files: [{ name: 'läkarintyg.pdf', contentType: 'application/pdf', content: PDF }],
      },
      decision,
    ],
    events: [],
  };
  const minasidor: CaseContribution = {
    source: 'minasidor',
    header: { ...eForms.header, status: 'decided', caseSystemReference: 'KS 2026/0142', ...overrides.minasidor },
    records: [{ ...decision, files: [], references: [{ name: 'Beslut', url: '/e-forms/decisions/x/document.pdf' }] }],
    events: [
      { occurredAt: at('2026-03-02T10:00:00Z'), kind: 'decided', text: { sv: 'Beslut finns', en: 'Decision made' }, source: 'minasidor' },
      { occurredAt: at('2026-03-01T09:00:00Z'), kind: 'received', text: null, source: 'minasidor' },
    ],
  };
  return { eForms, minasidor };
}

const contributor = (part: CaseContribution | undefined): CaseArchiveContributor => ({
  source: part?.source ?? 'none',
  contribute: async () => part,
  closedCases: async () => [],
});

describe('a closed case as an E-ARK SIP', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-sip-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const collect = (p = parts()) => collectCase(em, [contributor(p.eForms), contributor(p.minasidor)], municipality, 'PTS-2026-000001');

  it('merges the services’ parts: one record per key (the first service’s), events in time order, the case system’s reference', async () => {
    const archived = await collect();
    expect(archived.records.map((r) => r.key)).toEqual(['submission:1', 'attachment:1', 'decision:7d0c2f4e-1111-4222-8333-444455556666']);
    expect(archived.records[2].files).toHaveLength(1);
    expect(archived.events.map((e) => e.kind)).toEqual(['received', 'decided']);
    expect(archived.header.caseSystemReference).toBe('KS 2026/0142');
    expect(archived.statuses).toEqual([
      { source: 'e-forms', status: 'decided' },
      { source: 'minasidor', status: 'decided' },
    ]);
  });

  it('writes a package that validates against METS/CSIP/SIP, ERMS and PREMIS, every file listed with its SHA-256', async () => {
    const written = writeSipPackage(await collect(), dir, { createdAt: at('2026-04-01T08:00:00Z') });
    expect(written.objid).toBe('kommuna-sundsvall-PTS-2026-000001');
    const files = fs.readdirSync(written.directory, { recursive: true }).map(String).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        'METS.xml',
        'metadata/descriptive/ERMS.xml',
        'metadata/preservation/premis.xml',
        'representations/rep1/data/01-application/kvittens.pdf',
        'representations/rep1/data/01-application/svar.json',
        'representations/rep1/data/02-attachment/lakarintyg.pdf',
        'representations/rep1/data/03-decision/Beslut_PTS-2026-000001.pdf',
        'schemas/ERMS.xsd',
        'schemas/mets.xsd',
      ]),
    );
    const validation = await validateSipPackage(written.directory);
    expect(validation.filesVerified).toBe(written.files.length);

    const mets = fs.readFileSync(path.join(written.directory, 'METS.xml'), 'utf8');
    expect(mets).toContain('OBJID="kommuna-sundsvall-PTS-2026-000001"');
    expect(mets).toContain('csip:OAISPACKAGETYPE="SIP"');
    expect(mets).toContain('PROFILE="https://earksip.dilcis.eu/profile/E-ARK-SIP-v2-2-0.xml"');
    const erms = fs.readFileSync(path.join(written.directory, 'metadata/descriptive/ERMS.xml'), 'utf8');
    expect(erms).toContain('<objectId>PTS-2026-000001</objectId>');
    expect(erms).toContain('<extraId extraIdType="diarienummer">KS 2026/0142</extraId>');
    expect(erms).toContain('<value>1998:1276</value>');
    expect(erms).toContain('Funktionsnedsättningen varar kortare än sex månader');
    expect(erms).toContain('<idNumber idNumberType="kommuna-party-id">5b0d7a36-9d35-4b8e-8c41-2f0a3c9d1e77</idNumber>');
  });

  it('finds a file changed after packaging, a file added to it and a METS.xml that breaks its schema', async () => {
    const tampered = writeSipPackage(await collect(), dir);
    fs.appendFileSync(path.join(tampered.directory, 'representations/rep1/data/01-application/svar.json'), ' ');
    await expect(validateSipPackage(tampered.directory)).rejects.toThrow(/svar\.json: \d+ bytes, METS\.xml says/);

    const extra = writeSipPackage(await collect(), fs.mkdtempSync(path.join(dir, 'b-')));
    fs.writeFileSync(path.join(extra.directory, 'representations/rep1/data/smuggled.txt'), 'x');
    await expect(validateSipPackage(extra.directory)).rejects.toThrow('Files no METS.xml lists: representations/rep1/data/smuggled.txt');

    const broken = writeSipPackage(await collect(), fs.mkdtempSync(path.join(dir, 'c-')));
    const metsFile = path.join(broken.directory, 'METS.xml');
    fs.writeFileSync(metsFile, fs.readFileSync(metsFile, 'utf8').replace('csip:OAISPACKAGETYPE="SIP"', 'csip:OAISPACKAGETYPE="PARCEL"'));
    const error = await validateSipPackage(broken.directory).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArchivePackageInvalidError);
    expect((error as Error).message).toMatch(/METS\.xml does not validate against archive-package\.xsd:\n.*OAISPACKAGETYPE.*PARCEL/);
  });

  it('checks the CSIP/SIP profile beyond the schemas: the package id, the structural map and what it points at', async () => {
    const good = writeSipPackage(await collect(), fs.mkdtempSync(path.join(dir, 'a-')));
    expect((await validateSipPackage(good.directory)).profileRequirements).toEqual(
      expect.arrayContaining([
        'CSIP1',
        'SIP2',
        'SIP4',
        'CSIP10-16',
        'CSIP80-83',
        'CSIP88-92',
        'CSIP105-112',
        'representations/rep1: CSIP1',
        'representations/rep1: CSIP4',
        'representations/rep1: CSIP-Data',
      ]),
    );
    const edit = (written: { directory: string }, from: string, to: string) => {
      const file = path.join(written.directory, 'METS.xml');
      const text = fs.readFileSync(file, 'utf8');
      expect(text).toContain(from);
      fs.writeFileSync(file, text.replace(from, to));
    };
    const unlabelled = writeSipPackage(await collect(), fs.mkdtempSync(path.join(dir, 'b-')));
    edit(unlabelled, 'LABEL="CSIP"', 'LABEL="Physical"');
    await expect(validateSipPackage(unlabelled.directory)).rejects.toThrow(
      /does not meet the CSIP\/SIP profile:\nCSIP80-83: .*\nCSIP84-85/,
    );
    const dangling = writeSipPackage(await collect(), fs.mkdtempSync(path.join(dir, 'c-')));
    edit(dangling, '<fptr FILEID="filegrp-rep1"/>', '<fptr FILEID="filegrp-elsewhere"/>');
    await expect(validateSipPackage(dangling.directory)).rejects.toThrow(
      /^METS\.xml does not meet the CSIP\/SIP profile:\nCSIP105-112: a division per representation/,
    );
    const lost = writeSipPackage(await collect(), fs.mkdtempSync(path.join(dir, 'e-')));
    fs.rmSync(path.join(lost.directory, 'representations/rep1/METS.xml'));
    await expect(validateSipPackage(lost.directory)).rejects.toThrow(
      'METS.xml points at a representation METS.xml the package does not have: "representations/rep1/METS.xml"',
    );
    // A representation METS.xml that lists a file of the representation wrongly is found too.
    const wrong = writeSipPackage(await collect(), fs.mkdtempSync(path.join(dir, 'f-')));
    const repMets = path.join(wrong.directory, 'representations/rep1/METS.xml');
    fs.writeFileSync(
      repMets,
      fs
        .readFileSync(repMets, 'utf8')
        .replace('xlink:href="data/01-application/svar.json"', 'xlink:href="data/01-application/answers.json"'),
    );
    await expect(validateSipPackage(wrong.directory)).rejects.toThrow(
      /representations\/rep1\/METS\.xml: its SHA-256 differs|Files no METS\.xml lists: representations\/rep1\/data\/01-application\/svar\.json/,
    );
    // A package folder renamed after writing no longer matches its OBJID.
    const renamed = writeSipPackage(await collect(), fs.mkdtempSync(path.join(dir, 'd-')));
    fs.renameSync(renamed.directory, `${renamed.directory}-copy`);
    await expect(validateSipPackage(`${renamed.directory}-copy`)).rejects.toThrow(/CSIP1: mets\/@OBJID is the package's folder name/);
  });

  it('refuses a case a service still has open, one nobody knows and one whose content retention removed', async () => {
    const open = parts({ minasidor: { closed: false, closedAt: null, status: 'in_progress' } });
    const error = await collect(open).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArchiveCaseOpenError);
    expect(error).toMatchObject({ code: 'ARCHIVE_CASE_NOT_CLOSED', status: 409, details: { openIn: ['minasidor'] } });

    await expect(collectCase(em, [contributor(undefined)], municipality, 'PTS-2026-000009')).rejects.toBeInstanceOf(
      ArchiveCaseNotFoundError,
    );
    const purged = parts();
    // 00:30 on 1 September in Sweden (CEST); the UTC date is still 31 August.
    purged.eForms.purgedAt = at('2026-08-31T22:30:00Z');
    const purgedError = await collect(purged).catch((e: unknown) => e);
    expect(purgedError).toBeInstanceOf(ArchiveCasePurgedError);
    expect((purgedError as Error).message).toContain('removed by retention on 2026-09-01,');
    await expect(collectCase(em, [], municipality, '../../etc')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('the dates of a period', () => {
  it('reads a day as midnight in Sweden (winter and summer time) and an exact time as given', () => {
    expect(parseArchiveDate('2026-01-15', 'closedBefore').toISOString()).toBe('2026-01-14T23:00:00.000Z');
    expect(parseArchiveDate('2026-07-01', 'closedBefore').toISOString()).toBe('2026-06-30T22:00:00.000Z');
    expect(parseArchiveDate('2026-03-29', 'closedBefore').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(parseArchiveDate('2026-05-01T06:30:00+02:00', 'closedBefore').toISOString()).toBe('2026-05-01T04:30:00.000Z');
  });

  it('refuses a day that does not exist and anything that is not a date, naming the field', () => {
    expect(() => parseArchiveDate('2026-02-30', 'closedBefore')).toThrow('closedBefore: 2026-02-30 is not a date that exists');
    expect(() => parseArchiveDate('yesterday', 'closedFrom')).toThrow(/^closedFrom: "yesterday" is neither/);
    expect(() => parseArchiveDate('2026-05-01T00:00:00', 'closedFrom')).toThrow(ArchiveExportInvalidError);
  });
});
