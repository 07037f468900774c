// Tenant folders for the benchmark: the four shipped municipalities as they are, plus one
// generated tenant.yaml for each of Sweden's other municipalities (allKommuner()), each with a
// unique valid organisationsnummer 212000-NNNC (Luhn check digit).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { allKommuner, isValidOrganisationsnummer } from '@kommuna/shared-identifiers';
import { REPO_ROOT } from './postgres';

export function luhnDigit(payload: string): number {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    let d = Number(payload[payload.length - 1 - i]);
    if (i % 2 === 0) d *= 2;
    sum += d > 9 ? d - 9 : d;
  }
  return (10 - (sum % 10)) % 10;
}

export function slugOf(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** A folder with every municipality configured (the shipped ones unchanged); returns it and the slugs. */
export function writeAllTenants(): { dir: string; slugs: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-290-'));
  const shipped = path.join(REPO_ROOT, 'tenants');
  fs.cpSync(shipped, dir, { recursive: true });
  const taken = new Set<string>();
  const usedOrgNr = new Set<string>();
  const slugs: string[] = [];
  for (const entry of fs.readdirSync(shipped, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const text = fs.readFileSync(path.join(shipped, entry.name, 'tenant.yaml'), 'utf8');
    taken.add(/kommunkod: "?(\d{4})"?/.exec(text)![1]);
    usedOrgNr.add(/organisationsnummer: "?([\d-]+)"?/.exec(text)![1]);
    slugs.push(entry.name);
  }
  let serial = 100;
  for (const kommun of allKommuner()) {
    if (taken.has(kommun.kod)) continue;
    let orgnr: string;
    do {
      const payload = `212000${String(serial++).padStart(3, '0')}`;
      orgnr = `${payload.slice(0, 6)}-${payload.slice(6)}${luhnDigit(payload)}`;
    } while (usedOrgNr.has(orgnr));
    if (!isValidOrganisationsnummer(orgnr)) throw new Error(`generated an invalid organisationsnummer ${orgnr}`);
    usedOrgNr.add(orgnr);
    let slug = slugOf(kommun.namn);
    if (slugs.includes(slug)) slug = `${slug}-${kommun.kod}`;
    slugs.push(slug);
    fs.mkdirSync(path.join(dir, slug));
    fs.writeFileSync(
      path.join(dir, slug, 'tenant.yaml'),
      stringify({
        slug,
        kommunkod: kommun.kod,
        organisationsnummer: orgnr,
        names: { sv: `${kommun.namn} kommun`, en: `Municipality of ${kommun.namn}` },
        // Needed by per-capita cost sharing; a round figure (the benchmark does not use it).
        population: 10_000 + ((Number(kommun.kod) * 7919) % 90_000),
        contact: { email: `kontakt@${slug}.example.se` },
        auth: { realm: 'kommuna', organization: slug },
        services: {
          'e-forms': { stage: 'production', settings: { errandNumberPrefix: 'KOM' } },
          minasidor: { stage: 'production' },
          'digital-mail': { stage: 'production', settings: { senderName: `${kommun.namn} kommun`, paperFallback: true } },
        },
      }),
    );
  }
  return { dir, slugs };
}
