import { Readable } from 'node:stream';
import { bearer, startTestApi, systemToken, useTestApi } from '../testing/test-api';
import { LiveAnswer, openApiAnswerChecker } from '../testing/openapi-answers';
import { HOME_CARE_IMPORT_OPENAPI } from './home-care-import.openapi';
import { tenantsWithHomeCare } from './home-care-tenants';

const VISITS_HEADER = 'municipality,visit,provider,resident,service_type,started_at,stopped_at,staff,verification,billed_minutes';
const STREAMED_VISITS = 20_000;

/** A visits file of `count` rows, made as it is read (never a string whole), in pieces of 1,000 rows. */
function visitsStream(count: number): Readable {
  return Readable.from(
    (function* () {
      yield `${VISITS_HEADER}\n`;
      for (let start = 0; start < count; start += 1000) {
        let piece = '';
        for (let i = start; i < Math.min(count, start + 1000); i++) {
          const day = String(1 + (i % 28)).padStart(2, '0');
          piece += `2281,V-S-${i},OMSORG-AB,K-1,personal_care,2025-02-${day}T08:00:00+01:00,2025-02-${day}T08:10:00+01:00,s-1,tag,\n`;
        }
        yield piece;
      }
    })(),
  );
}

// The streamed REST upload of a home-care file: the same import, callers and refusals as GraphQL's importHomeCareFile.
describe('home care file upload over REST', () => {
  const api = useTestApi(() => startTestApi({ tenantsDir: tenantsWithHomeCare() }));
  const check = openApiAnswerChecker(JSON.parse(JSON.stringify(HOME_CARE_IMPORT_OPENAPI)));

  const system = (slug: string) => bearer(systemToken(api.realm, slug), slug);
  const staff = (slug: string, unit: string, tenant = slug, roles = ['case_worker']) =>
    bearer(api.realm.token({ sub: `${slug}-${unit}-1`, realm_access: { roles }, organization: [slug], unit }), tenant);

  /** Uploads a file (a string, or a stream sent chunked) and expects the answer to be as the document says. */
  async function upload(url: string, headers: Record<string, string>, body: string | Readable, contentType = 'text/csv') {
    const response = await api.app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'POST', url, headers: { 'content-type': contentType, ...headers }, payload: body });
    const answer: LiveAnswer = { method: 'POST', url, status: response.statusCode, headers: response.headers, body: response.body };
    expect(check(answer)).toEqual([]);
    return { status: response.statusCode, body: response.json() };
  }
  const csv = (lines: string[]) => lines.join('\n') + '\n';

  it('is the document the api serves', async () => {
    const served = await api.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/home-care/imports/openapi.json' });
    expect(served.json()).toEqual(JSON.parse(JSON.stringify(HOME_CARE_IMPORT_OPENAPI)));
  });

  it('imports a streamed file whole, and the same file again is a no-op', async () => {
    const sundsvall = system('sundsvall');
    const providers = await upload(
      '/home-care/imports/providers',
      sundsvall,
      csv([
        'municipality,provider,name,kind,service_type,sek_per_hour,valid_from',
        '2281,OMSORG-AB,Omsorg AB,lov,personal_care,450,2025-01-01',
      ]),
    );
    expect(providers).toEqual({ status: 200, body: expect.objectContaining({ kind: 'providers', rows: 1, alreadyImported: false }) });
    const decisions = await upload(
      '/home-care/imports/decisions?format=jsonl&fileName=beslut.jsonl',
      sundsvall,
      JSON.stringify({
        municipality: '2281',
        decision: 'B-1',
        resident: 'K-1',
        valid_from: '2025-01-01',
        valid_to: '',
        service_type: 'personal_care',
        granted_minutes_per_month: '600',
      }) + '\n',
      'application/x-ndjson',
    );
    expect(decisions.body).toMatchObject({ kind: 'decisions', rows: 1, alreadyImported: false });

    const first = await upload('/home-care/imports/visits?fileName=besok-februari.csv', sundsvall, visitsStream(STREAMED_VISITS));
    expect(first.body).toMatchObject({ kind: 'visits', rows: STREAMED_VISITS, alreadyImported: false });
    // The same bytes again, now with a Content-Length (over the api's default 1 MiB, within this route's limit).
    let whole = '';
    for await (const piece of visitsStream(STREAMED_VISITS)) whole += piece;
    expect(Buffer.byteLength(whole)).toBeGreaterThan(1024 * 1024);
    const again = await upload('/home-care/imports/visits?fileName=besok-februari.csv', sundsvall, whole);
    expect(again.body).toEqual({ importId: first.body.importId, kind: 'visits', rows: STREAMED_VISITS, alreadyImported: true });

    // A vendor's export, read by its adapter, goes in as visits; its problems name the export's own lines.
    const exportHeader = 'Kommunkod;Besöks-ID;Utförare;Brukare;Insats;Datum;Start;Slut;Personal;Registrering;Debiterad tid (min)';
    const vendor = await upload(
      '/home-care/imports/visits?adapter=example-visits&fileName=tes-februari.csv',
      sundsvall,
      csv([exportHeader, '2281;X-1;OMSORG-AB;K-1;Personlig omvårdnad;2025-02-04;08:15;09:00;p-7;Tagg;']),
    );
    expect(vendor.body).toMatchObject({ kind: 'visits', rows: 1, alreadyImported: false });
    const badExport = await upload(
      '/home-care/imports/visits?adapter=example-visits&fileName=tes-fel.csv',
      sundsvall,
      csv([
        exportHeader,
        '2281;X-2;OMSORG-AB;K-1;Personlig omvårdnad;2025-02-05;08:15;09:00;p-7;Tagg;',
        '2281;X-3;OMSORG-AB;K-404;Personlig omvårdnad;2025-02-05;10:00;11:00;p-7;Tagg;',
      ]),
    );
    expect(badExport).toMatchObject({ status: 422, body: { details: { problems: [{ file: 'tes-fel.csv', line: 3 }], total: 1 } } });

    // The check reads them all: 20,000 visits of 10 min against 600 min granted.
    const run = await api.graphql(`mutation { runHomeCareCheck(month: "2025-02") { residents residentsWithDeviations } }`, sundsvall);
    expect(run.body.data.runHomeCareCheck).toEqual({ residents: 1, residentsWithDeviations: 1 });
  });

  it('refuses a bad file with its line named (422) and stores nothing of it', async () => {
    const sundsvall = system('sundsvall');
    const lines = [
      VISITS_HEADER,
      '2281,V-B-1,OMSORG-AB,K-1,personal_care,2025-02-10T08:00:00+01:00,2025-02-10T09:00:00+01:00,s-1,tag,',
      '2281,V-B-2,OMSORG-AB,K-1,personal_care,2025-02-10T10:00:00+01:00,2025-02-10T09:00:00+01:00,s-1,tag,',
    ];
    const refused = await upload('/home-care/imports/visits?fileName=fel.csv', sundsvall, csv(lines));
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { problems: [{ file: 'fel.csv', line: 3, reason: expect.any(String) }], total: 1 },
    });
    // Line 2 was not stored: the file without line 3 is imported whole, V-B-1 not "imported before".
    const fixed = await upload('/home-care/imports/visits?fileName=ratt.csv', sundsvall, csv(lines.slice(0, 2)));
    expect(fixed.body).toMatchObject({ rows: 1, alreadyImported: false });

    // A file of another municipality's rows, sent by Timrå's system to Timrå: each row named.
    const foreign = await upload('/home-care/imports/visits', system('timra'), csv(lines.slice(0, 2)));
    expect(foreign.status).toBe(422);
    expect(foreign.body.details.problems).toContainEqual({
      file: 'visits.csv',
      line: 2,
      reason: expect.stringContaining('municipality 2281 is not Timrå kommun'),
    });
  });

  it("refuses callers who may not import: another municipality's system, admin or case worker, and an unrelated unit", async () => {
    const file = csv([
      VISITS_HEADER,
      '2281,V-R-1,OMSORG-AB,K-1,personal_care,2025-02-11T08:00:00+01:00,2025-02-11T09:00:00+01:00,s-1,tag,',
    ]);
    const callers = {
      timraSystem: bearer(systemToken(api.realm, 'timra'), 'sundsvall'),
      timraAdmin: staff('timra', 'socialtjanst', 'sundsvall', ['tenant_admin']),
      timraCaseWorker: staff('timra', 'socialtjanst', 'sundsvall'),
      sundsvallAdmin: staff('sundsvall', 'hemtjanst', 'sundsvall', ['tenant_admin']),
      sundsvallSchool: staff('sundsvall', 'skola'),
    };
    for (const [who, headers] of Object.entries(callers)) {
      const answer = await upload('/home-care/imports/visits', headers, file);
      expect({ who, status: answer.status, code: answer.body.code }).toEqual({ who, status: 403, code: 'FORBIDDEN' });
    }
    expect((await upload('/home-care/imports/visits', {}, file)).status).toBe(401);
    // The responsible unit's case worker may.
    const allowed = await upload('/home-care/imports/visits', staff('sundsvall', 'hemtjanst'), file);
    expect(allowed.body).toMatchObject({ rows: 1, alreadyImported: false });
  });

  it('refuses a wrong kind, format, adapter or content type before reading the file', async () => {
    const sundsvall = system('sundsvall');
    const file = csv([VISITS_HEADER]);
    const wrongKind = await upload('/home-care/imports/besok', sundsvall, file);
    expect(wrongKind).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', details: [{ field: 'kind' }] } });
    const wrongFormat = await upload('/home-care/imports/visits?format=xlsx', sundsvall, file);
    expect(wrongFormat).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', details: [{ field: 'format' }] } });
    const wrongAdapter = await upload('/home-care/imports/providers?adapter=example-visits', sundsvall, file);
    expect(wrongAdapter).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', details: [{ field: 'adapter' }] } });
    const wrongMonth = await upload('/home-care/imports/visits?month=2025-13', sundsvall, file);
    expect(wrongMonth).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', details: [{ field: 'month' }] } });
    const wrongType = await upload('/home-care/imports/visits', sundsvall, file, 'application/pdf');
    expect(wrongType.status).toBe(415);
    // A file declared over 200 MB is refused before it is read.
    const tooLarge = await upload('/home-care/imports/visits', { ...sundsvall, 'content-length': String(201 * 1024 * 1024) }, file);
    expect(tooLarge).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('cuts a chunked upload (no declared size) off at 200 MB and imports none of it', async () => {
    const sundsvall = system('sundsvall');
    const decision = (id: string) =>
      JSON.stringify({
        municipality: '2281',
        decision: id,
        resident: `K-${id}`,
        valid_from: '2025-01-01',
        valid_to: '',
        service_type: 'personal_care',
        granted_minutes_per_month: '600',
      }) + '\n';
    // Good rows first (read and staged before the cut-off), then blank lines, which JSON Lines skips, past the limit.
    const blank = ' '.repeat(1024 * 1024 - 1) + '\n';
    const oversized = Readable.from(
      (function* () {
        yield decision('B-CUT-1') + decision('B-CUT-2');
        for (let mb = 0; mb <= 200; mb++) yield blank;
      })(),
    );
    const cut = await upload(
      '/home-care/imports/decisions?format=jsonl&fileName=for-stor.jsonl',
      sundsvall,
      oversized,
      'application/x-ndjson',
    );
    expect(cut).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('200 MB') } });
    // Nothing of it was stored: its first rows alone are imported now, neither "imported before" nor a no-op.
    const alone = await upload(
      '/home-care/imports/decisions?format=jsonl&fileName=for-stor.jsonl',
      sundsvall,
      decision('B-CUT-1') + decision('B-CUT-2'),
      'application/x-ndjson',
    );
    expect(alone).toMatchObject({ status: 200, body: { kind: 'decisions', rows: 2, alreadyImported: false } });
  });
});
