import { Readable } from 'node:stream';
import { useTestDatabase } from '@kommuna/platform-testing';
import { HomeCareImportError, stockholmTime, VENDOR_EXPORT_ADAPTERS } from '../index';
import { createWorld, decisionsFile, inTenant, PROVIDERS_FILE, importFiles, queryIn, SCHEMA, system, World } from '../testing/fixture';

const HEADER = 'Kommunkod;Besöks-ID;Utförare;Brukare;Insats;Datum;Start;Slut;Personal;Registrering;Debiterad tid (min)';
const exportOf = (rows: string[][]) => [HEADER, ...rows.map((r) => r.join(';'))].join('\r\n') + '\r\n';

describe('home care: vendor exports through an adapter', () => {
  it("writes Swedish wall-clock times with Stockholm's offset of the day, across both changes of clock", () => {
    expect(stockholmTime('2025-03-04', '08:15')).toBe('2025-03-04T08:15:00+01:00');
    expect(stockholmTime('2025-03-30', '01:30')).toBe('2025-03-30T01:30:00+01:00');
    expect(stockholmTime('2025-03-30', '03:30')).toBe('2025-03-30T03:30:00+02:00');
    expect(stockholmTime('2025-07-01', '7.05')).toBe('2025-07-01T07:05:00+02:00');
    expect(stockholmTime('2025-10-26', '03:30')).toBe('2025-10-26T03:30:00+01:00');
    expect(stockholmTime('2025-03-31', '00:20', true)).toBe('2025-04-01T00:20:00+02:00');
    expect(stockholmTime('2025-12-31', '00:10', true)).toBe('2026-01-01T00:10:00+01:00');
    expect(stockholmTime('4/3 2025', '08:15')).toBeUndefined();
    expect(stockholmTime('2025-03-04', 'kvart över åtta')).toBeUndefined();
  });

  describe('imported as visits', () => {
    const db = useTestDatabase(SCHEMA);
    let world: World;
    const importExport = (fileName: string, content: string | Readable, adapter = 'example-visits') =>
      inTenant(world.sundsvall, () => world.homeCare.importVendorExport(system, { adapter, fileName, content }));

    beforeAll(async () => {
      world = await createWorld(db());
      await importFiles(world, [
        { kind: 'providers', content: PROVIDERS_FILE },
        {
          kind: 'decisions',
          content: decisionsFile({ 'K-1': 1800, 'K-2': 600 }).replace(/\n$/, '\n2281;B-9;K-1;2025-01-01;;service;240\n'),
        },
      ]);
    });

    it('stores the export as open-format visits: times with their offset, service types and registration mapped', async () => {
      const file = exportOf([
        ['2281', 'X-1', 'OMSORG-AB', 'K-1', 'Personlig omvårdnad', '2025-03-04', '08:15', '09:00', 'p-7', 'Tagg', ''],
        ['2281', 'X-2', 'OMSORG-AB', 'K-1', 'Serviceinsats', '2025-03-31', '13:00', '13:45', 'p-7', 'Manuell', '50'],
        ['2281', 'X-3', 'HT-NORR', 'K-2', 'Personlig omvårdnad', '2025-03-29', '23:40', '00:20', 'p-8', 'NFC', ''],
      ]);
      const result = await importExport('tes-mars.csv', Readable.from([Buffer.from(file, 'utf8')]));
      expect(result).toMatchObject({ kind: 'visits', rows: 3, alreadyImported: false });
      expect(
        await queryIn(
          db(),
          world.sundsvall,
          `SELECT external_id, service_type, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS started_utc,
                  to_char(stopped_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS stopped_utc, verification, billed_minutes, source_line
             FROM home_care_visit ORDER BY external_id`,
        ),
      ).toEqual([
        {
          external_id: 'X-1',
          service_type: 'personal_care',
          started_utc: '2025-03-04 07:15',
          stopped_utc: '2025-03-04 08:00',
          verification: 'tag',
          billed_minutes: null,
          source_line: 2,
        },
        {
          external_id: 'X-2',
          service_type: 'service',
          started_utc: '2025-03-31 11:00',
          stopped_utc: '2025-03-31 11:45',
          verification: 'manual',
          billed_minutes: 50,
          source_line: 3,
        },
        {
          external_id: 'X-3',
          service_type: 'personal_care',
          started_utc: '2025-03-29 22:40',
          stopped_utc: '2025-03-29 23:20',
          verification: 'tag',
          billed_minutes: null,
          source_line: 4,
        },
      ]);
      expect(await queryIn(db(), world.sundsvall, `SELECT kind, file_name FROM home_care_import WHERE id = $1`, [result.importId])).toEqual(
        [{ kind: 'visits', file_name: 'tes-mars.csv' }],
      );
      expect(await importExport('tes-mars-igen.csv', file)).toMatchObject({ importId: result.importId, alreadyImported: true });
    });

    it('refuses an export whole, naming its lines, when a value has no place in the open format', async () => {
      const error = await importExport(
        'tes-fel.csv',
        exportOf([
          ['2281', 'Y-1', 'OMSORG-AB', 'K-1', 'Städning', '2025-03-05', '08:00', '08:30', 'p-7', 'Tagg', ''],
          ['2281', 'Y-2', 'OMSORG-AB', 'K-1', 'Personlig omvårdnad', '5/3', '08:00', '08:30', 'p-7', 'Tagg', ''],
          ['2281', 'Y-3', 'OMSORG-AB', 'K-1', 'Personlig omvårdnad', '2025-03-05', '09:00', '09:30', 'p-7', 'Telefon', ''],
          ['2281', 'Y-4', 'OMSORG-AB', 'K-1', 'Personlig omvårdnad', '2025-03-05', '10:00', '10:30', 'p-7', 'Tagg', ''],
        ]),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HomeCareImportError);
      expect((error as HomeCareImportError).details.problems).toEqual([
        { file: 'tes-fel.csv', line: 2, reason: 'service_type is not one of personal_care, service, escort, relief' },
        {
          file: 'tes-fel.csv',
          line: 3,
          reason:
            'started_at is not a time with its offset (e.g. 2025-03-04T08:15:00+01:00); stopped_at is not a time with its offset (e.g. 2025-03-04T08:15:00+01:00)',
        },
        { file: 'tes-fel.csv', line: 4, reason: 'verification is not one of tag, manual' },
      ]);
      expect(await queryIn(db(), world.sundsvall, `SELECT count(*)::int AS n FROM home_care_visit WHERE external_id LIKE 'Y-%'`)).toEqual([
        { n: 0 },
      ]);
      await expect(importExport('x.csv', 'a;b\n', 'no-such-vendor')).rejects.toThrow('adapter must be one of example-visits');
      expect([...VENDOR_EXPORT_ADAPTERS.values()].map((a) => [a.id, a.kind])).toEqual([['example-visits', 'visits']]);
    });
  });
});
