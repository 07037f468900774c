import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { SERVICE_IDS } from '@kommuna/platform-tenancy';
import { COMPOSITION_FILE, SERVICE_IDS_FILE, serviceGenerator, TENANT_JSON_SCHEMA_FILE } from '../generators/service/generator';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');
/** The files the generator reads and edits outside the new library. */
const EDITED = [COMPOSITION_FILE, SERVICE_IDS_FILE, TENANT_JSON_SCHEMA_FILE, 'package.json', 'tsconfig.base.json'];

function seededTree(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  for (const file of EDITED) tree.write(file, fs.readFileSync(path.join(root, file)));
  tree.write('libs/minasidor/package.json', fs.readFileSync(path.join(root, 'libs/minasidor/package.json')));
  return tree;
}

/** The SERVICE_IDS line with these ids, as tenant-config.schema.ts writes it. */
const serviceIdsLine = (ids: readonly string[]) => `export const SERVICE_IDS = [${ids.map((id) => `'${id}'`).join(', ')}] as const;`;

const contents = (tree: Tree) => new Map(tree.listChanges().map((c) => [c.path, c.content?.toString() ?? '']));

describe('nx g @kommuna/tools:service', () => {
  it('writes the library and registers it: one line and its import in the composition, the id in the tenant schema, workspace and path', async () => {
    const tree = seededTree();
    const before = contents(tree);
    const { files } = await serviceGenerator(tree, { name: 'parking-permits', nameSv: 'Parkeringstillstånd', nameEn: 'Parking permits' });
    expect(files.filter((f) => !before.has(f) || before.get(f) !== tree.read(f, 'utf-8'))).toEqual(
      [
        '.changeset/parking-permits-service.md',
        'libs/parking-permits/jest.config.js',
        'libs/parking-permits/package.json',
        'libs/parking-permits/service.yaml',
        'libs/parking-permits/src/index.ts',
        'libs/parking-permits/src/service-descriptor.spec.ts',
        'libs/parking-permits/src/service-descriptor.ts',
        'libs/parking-permits/src/settings.ts',
        'libs/parking-permits/tsconfig.json',
        ...EDITED,
      ].sort(),
    );
    const lines = (text: string) => text.split('\n');
    const composition = lines(tree.read(COMPOSITION_FILE, 'utf-8')!);
    const added = composition.filter((line) => !lines(before.get(COMPOSITION_FILE)!).includes(line));
    expect(added).toEqual(["import { PARKING_PERMITS_SERVICE } from '@kommuna/parking-permits';", '  PARKING_PERMITS_SERVICE,']);
    expect(composition.length).toBe(lines(before.get(COMPOSITION_FILE)!).length + 2);
    expect(tree.read(SERVICE_IDS_FILE, 'utf-8')).toContain(serviceIdsLine([...SERVICE_IDS, 'parking-permits']));
    expect(JSON.parse(tree.read('libs/parking-permits/package.json', 'utf-8')!).nx.tags).toEqual(['scope:parking-permits', 'type:service']);
    expect(JSON.parse(tree.read('tsconfig.base.json', 'utf-8')!).compilerOptions.paths['@kommuna/parking-permits']).toEqual([
      'libs/parking-permits/src/index.ts',
    ]);
    const workspaces: string[] = JSON.parse(tree.read('package.json', 'utf-8')!).workspaces;
    expect(workspaces.indexOf('libs/parking-permits')).toBe(workspaces.indexOf('libs/services') - 1);
    const schema = JSON.parse(tree.read(TENANT_JSON_SCHEMA_FILE, 'utf-8')!);
    expect(schema.properties.services.properties['parking-permits']).toEqual(schema.properties.services.properties.minasidor);
    expect(tree.read('libs/parking-permits/service.yaml', 'utf-8')).toContain('  sv: Parkeringstillstånd\n  en: Parking permits\n');
  });

  it.each([
    [{ name: 'Parking' }, /^INVALID_NAME: "Parking" must be lower-case/],
    [{ name: 'parking--permits' }, /^INVALID_NAME/],
    [{ name: 'platform' }, /^INVALID_NAME: "platform" is reserved/],
    [{ name: 'minasidor' }, /^SERVICE_EXISTS: libs\/minasidor already exists/],
  ])('refuses %j and leaves the tree as it was', async (options, message) => {
    const tree = seededTree();
    const before = contents(tree);
    await expect(serviceGenerator(tree, options)).rejects.toThrow(message);
    expect(contents(tree)).toEqual(before);
  });

  it('refuses an id the tenant schema already has, before writing anything', async () => {
    const tree = seededTree();
    const source = tree.read(SERVICE_IDS_FILE, 'utf-8')!;
    expect(source).toContain(serviceIdsLine(SERVICE_IDS));
    tree.write(SERVICE_IDS_FILE, source.replace(serviceIdsLine(SERVICE_IDS), serviceIdsLine([...SERVICE_IDS, 'parking-permits'])));
    const before = contents(tree);
    await expect(serviceGenerator(tree, { name: 'parking-permits' })).rejects.toThrow(
      /^SERVICE_EXISTS: parking-permits is already in SERVICE_IDS/,
    );
    expect(contents(tree)).toEqual(before);
  });

  // Adding a service is one library and one line: in a copy of the repository, the generated service
  // passes lint, typecheck and its tests at once, and the composition's own test (the list against
  // the tenant schema, eslint's scopes and the libraries' tags) passes with it.
  describe('in a copy of the repository', () => {
    let copy: string;
    const env = { ...process.env, NX_DAEMON: 'false', NODE_OPTIONS: '--experimental-vm-modules --disable-warning=ExperimentalWarning' };
    const inCopy = (command: string, args: string[]) => run(command, args, { cwd: copy, env, maxBuffer: 16 * 1024 * 1024 });

    beforeAll(async () => {
      copy = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-service-'));
      // The files git knows of (tracked, or new and not ignored), as they are in the working tree.
      const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
        cwd: root,
        maxBuffer: 64 * 1024 * 1024,
      });
      for (const file of stdout.split('\0').filter(Boolean)) {
        const from = path.join(root, file);
        if (!fs.existsSync(from)) continue;
        fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
        fs.copyFileSync(from, path.join(copy, file));
      }
      fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
      await inCopy('npx', [
        'nx',
        'g',
        '@kommuna/tools:service',
        'parking-permits',
        '--nameSv=Parkeringstillstånd',
        '--nameEn=Parking permits',
      ]);
    }, 120_000);

    afterAll(() => {
      if (copy) fs.rmSync(copy, { recursive: true, force: true });
    });

    it('typechecks and lints the new library and the composition', async () => {
      await inCopy('npx', ['tsc', '-p', 'libs/parking-permits/tsconfig.json', '--noEmit']);
      await inCopy('npx', ['tsc', '-p', 'libs/services/tsconfig.json', '--noEmit']);
      const { stdout } = await inCopy('npx', ['eslint', '--max-warnings=0', 'libs/parking-permits/src', 'libs/services/src/services.ts']);
      expect(stdout).toBe('');
    }, 300_000);

    it("passes its own tests, the composition's, the tenant schema's and the catalogue's publiccode.yml check", async () => {
      const jest = (config: string, ...args: string[]) => inCopy('npx', ['jest', '-c', config, ...args]);
      // One after another: the machine's cores are shared.
      const results = [
        await jest('libs/parking-permits/jest.config.js'),
        await jest('libs/services/jest.config.js'),
        await jest('libs/platform/tenancy/jest.config.js', 'src/tenant-config.spec.ts', '-t', 'tenant.schema.json'),
        // Its service.yaml, as written, is a valid publiccode.yml (long description of 150 characters or more).
        await jest(
          'libs/catalogue/jest.config.js',
          'src/publiccode.spec.ts',
          '-t',
          'is valid against the standard for every shared service',
        ),
      ];
      expect(results.map((r) => r.stderr.match(/^Tests: .*$/m)?.[0])).toEqual([
        'Tests:       2 passed, 2 total',
        expect.stringMatching(/^Tests: +\d+ passed, \d+ total$/),
        expect.stringMatching(/^Tests: +\d+ skipped, 1 passed, \d+ total$/),
        expect.stringMatching(/^Tests: +\d+ skipped, 1 passed, \d+ total$/),
      ]);
    }, 300_000);

    it('is in the catalogue and tenants:validate runs its settings check', async () => {
      expect((await inCopy('npm', ['run', '-s', 'services:validate'])).stdout).toMatch(/parking-permits 0\.1\.0/);
      expect((await inCopy('npm', ['run', '-s', 'tenants:validate'])).stdout).toMatch(/settings checked by .*parking-permits/);
    }, 120_000);
  });
});
