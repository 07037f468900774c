import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { loadTenantConfigs } from '@kommuna/platform-tenancy';
import { loadServiceCatalogue, type CatalogueEntry } from './descriptor/service-descriptor.loader';
import { publiccodeYaml, toPubliccode } from './publiccode';
import schema from './publiccode.schema.json';

const repo = path.resolve(__dirname, '../../..');
const publiccodeDir = path.join(repo, 'docs/publiccode');
const entries = loadServiceCatalogue(path.join(repo, 'libs'), loadTenantConfigs(path.join(repo, 'tenants')));

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateSchema = ajv.compile(schema);

/**
 * Problems with a publiccode.yml document: the standard's JSON Schema, plus the rules of the
 * standard's text the schema cannot express (its parser, publiccode-parser-go, checks them too).
 */
function problems(document: Record<string, unknown>): string[] {
  const found = validateSchema(document)
    ? []
    : (validateSchema.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
  if (typeof document.url === 'string' && /\/(tree|blob)\//.test(document.url)) found.push('/url is a folder link, not a repository');
  if ('softwareVersion' in document !== 'releaseDate' in document) found.push('softwareVersion and releaseDate go together');
  const descriptions = (document.description ?? {}) as Record<string, Record<string, unknown>>;
  for (const [lang, text] of Object.entries(descriptions)) {
    if ('genericName' in text) found.push(`/description/${lang}/genericName is deprecated`);
  }
  return found;
}

describe('publiccode.yml (standard 0.4)', () => {
  it('is valid against the standard for every shared service, with and without a release', () => {
    expect(entries.length).toBeGreaterThanOrEqual(4);
    for (const entry of entries) {
      expect({ id: entry.id, problems: problems(toPubliccode(entry, { releaseDate: '2026-01-15' })) }).toEqual({
        id: entry.id,
        problems: [],
      });
      expect({ id: entry.id, problems: problems(toPubliccode(entry)) }).toEqual({ id: entry.id, problems: [] });
    }
  });

  it('points url at the repository and the folder as the landing page, with version and release date together', () => {
    const catalogue = entries.find((entry) => entry.id === 'catalogue') as CatalogueEntry;
    const document = toPubliccode(catalogue, { releaseDate: '2026-01-15', developmentStatus: 'beta' });
    expect(document).toMatchObject({
      url: 'https://github.com/kommuna/kommuna.git',
      landingURL: catalogue.descriptor.url,
      softwareVersion: catalogue.version,
      releaseDate: '2026-01-15',
      developmentStatus: 'beta',
      organisation: { name: 'Kommuna', uri: 'https://github.com/kommuna' },
      categories: ['it-management', 'business-intelligence'],
    });
    expect(toPubliccode(catalogue)).not.toHaveProperty('softwareVersion');
    expect(() => toPubliccode(catalogue, { releaseDate: '15/1/2026' })).toThrow(/releaseDate of catalogue must be YYYY-MM-DD/);
  });

  it('fails what the issue found in the old files (so the check can fail)', () => {
    const catalogue = entries.find((entry) => entry.id === 'catalogue') as CatalogueEntry;
    const good = toPubliccode(catalogue, { releaseDate: '2026-01-15' });
    expect(problems({ ...good, organisation: { name: 'Kommuna' } }).join('\n')).toMatch(/\/organisation must have required property 'uri'/);
    expect(problems({ ...good, categories: ['it-portfolio-management'] }).join('\n')).toMatch(
      /\/categories\/0 must be equal to one of the allowed values/,
    );
    expect(problems({ ...good, url: catalogue.descriptor.url })).toContain('/url is a folder link, not a repository');
    const withoutDate = { ...good };
    delete withoutDate.releaseDate;
    expect(problems(withoutDate)).toContain('softwareVersion and releaseDate go together');
  });

  it('docs/publiccode holds the current file of every service, valid against the standard', () => {
    const files = fs
      .readdirSync(publiccodeDir)
      .filter((name) => name.endsWith('.publiccode.yml'))
      .sort();
    expect(files).toEqual(entries.map((entry) => `${entry.id}.publiccode.yml`).sort());
    for (const entry of entries) {
      const text = fs.readFileSync(path.join(publiccodeDir, `${entry.id}.publiccode.yml`), 'utf8');
      const document = parse(text) as Record<string, unknown>;
      expect({ id: entry.id, problems: problems(document) }).toEqual({ id: entry.id, problems: [] });
      // Not stale: what npm run catalogue:publiccode writes today, given the file's release date.
      expect(text).toBe(publiccodeYaml(entry, { releaseDate: document.releaseDate as string | undefined }));
    }
  });
});
