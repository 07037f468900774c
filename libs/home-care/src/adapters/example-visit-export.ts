import type { Readable } from 'node:stream';
import { readRecords } from '../import-rows';
import type { VendorExportAdapter } from './vendor-adapter';

/** Service types as such exports write them, in lower case. */
const SERVICE_TYPES: Record<string, string> = {
  'personlig omvårdnad': 'personal_care',
  omvårdnad: 'personal_care',
  service: 'service',
  serviceinsats: 'service',
  serviceinsatser: 'service',
  ledsagning: 'escort',
  avlösning: 'relief',
};
const REGISTRATIONS: Record<string, string> = { tagg: 'tag', nfc: 'tag', manuell: 'manual' };

const offsetFormat = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Stockholm', timeZoneName: 'longOffset' });
const offsets = new Map<number, number>();

/** Stockholm's offset from UTC in minutes at an instant (cached by the hour: it changes on the hour). */
function offsetAt(ms: number): number {
  const hour = Math.floor(ms / 3_600_000);
  let offset = offsets.get(hour);
  if (offset === undefined) {
    const name = offsetFormat.formatToParts(new Date(hour * 3_600_000)).find((p) => p.type === 'timeZoneName')?.value ?? '';
    const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    offset = match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
    offsets.set(hour, offset);
  }
  return offset;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A Swedish wall-clock date and time as ISO 8601 with Stockholm's offset on that day (+01:00 in
 * winter, +02:00 in summer), `nextDay` for a stop past midnight; undefined when either is no date
 * or time, so the schema names the field.
 */
export function stockholmTime(date: string, time: string, nextDay = false): string | undefined {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{1,2})[:.](\d{2})$/.exec(time);
  if (!d || !t) return undefined;
  const wall = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]) + (nextDay ? 1 : 0), Number(t[1]), Number(t[2]));
  if (Number.isNaN(wall)) return undefined;
  // The offset at the instant the wall time gives, read with the offset of the wall time itself: right on both sides of a change.
  const offset = offsetAt(wall - offsetAt(wall) * 60_000);
  const day = new Date(wall);
  const sign = offset < 0 ? '-' : '+';
  return `${day.getUTCFullYear()}-${pad(day.getUTCMonth() + 1)}-${pad(day.getUTCDate())}T${pad(day.getUTCHours())}:${pad(day.getUTCMinutes())}:00${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/**
 * An example adapter: a visit export as Swedish time-registration systems commonly write one (a
 * semicolon CSV with Swedish column names, the date and the local clock times apart without an
 * offset, service types and the registration in words, the stop past midnight on the next day).
 * Not any one vendor's exact format: the model a real vendor's adapter follows.
 *
 * Columns: Kommunkod; Besöks-ID; Utförare; Brukare; Insats; Datum; Start; Slut; Personal;
 * Registrering; Debiterad tid (min).
 */
export const EXAMPLE_VISIT_EXPORT: VendorExportAdapter = {
  id: 'example-visits',
  description:
    'Example visit export: Swedish columns (Kommunkod, Besöks-ID, Utförare, Brukare, Insats, Datum, Start, Slut, Personal, Registrering, Debiterad tid (min)), local times, service types in words',
  kind: 'visits',
  async *records(input: Readable) {
    for await (const raw of readRecords(input, 'csv')) {
      if ('unreadable' in raw) {
        yield raw;
        continue;
      }
      const r = raw.record;
      const date = text(r['datum']);
      const start = text(r['start']);
      const stop = text(r['slut']);
      const pastMidnight =
        /^\d{1,2}[:.]\d{2}$/.test(start) && /^\d{1,2}[:.]\d{2}$/.test(stop) && stop.padStart(5, '0') < start.padStart(5, '0');
      const insats = text(r['insats']).toLowerCase();
      const registration = text(r['registrering']).toLowerCase();
      yield {
        line: raw.line,
        record: {
          municipality: r['kommunkod'],
          visit: r['besöks-id'],
          provider: r['utförare'],
          resident: r['brukare'],
          service_type: SERVICE_TYPES[insats] ?? r['insats'],
          started_at: stockholmTime(date, start) ?? `${date} ${start}`,
          stopped_at: stockholmTime(date, stop, pastMidnight) ?? `${date} ${stop}`,
          staff: r['personal'],
          verification: REGISTRATIONS[registration] ?? r['registrering'],
          billed_minutes: r['debiterad tid (min)'],
        },
      };
    }
  },
};
