// `npm start`: the platform on embedded defaults. Starts dev-idp (the Keycloak-compatible identity
// provider), the digital-mail simulator, the api and then the steering group's portal, forwards Ctrl-C / SIGTERM to all of them, and
// stops them all if one fails.
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const swc = { ...process.env, SWC_NODE_PROJECT: path.join(root, 'tsconfig.base.json') };
const children = [];

function start(name, args, readyText) {
  const child = spawn(process.execPath, args, { cwd: root, env: swc, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  child.stdout.pipe(process.stdout);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`${name} stopped (${signal ?? `exit ${code}`}); stopping the platform\n`);
    stop(code || 1);
  });
  return new Promise((resolve) => child.stdout.on('data', (chunk) => chunk.toString().includes(readyText) && resolve()));
}

let stopping = false;
function stop(code) {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.on('exit', r)) : undefined))).then(() => process.exit(code));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

// The apps run as JavaScript (dist/, compiled in under a second by `npm run build`); dev-idp, an
// ES module with ES-only dependencies, still runs its TypeScript through the loader.
const build = spawnSync(process.execPath, ['tools/scripts/build-dist.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

// All four at once: none needs another to start (the api fetches the realm's keys on the first
// token and retries mail to the simulator), so ready is the slowest of them, not their sum.
const started = Date.now();
await Promise.all([
  start('dev-idp', ['--import', '@swc-node/register/esm-register', 'apps/dev-idp/src/main.ts'], 'dev-idp ready'),
  // Stands in for the national digital-mail parties (Mina meddelanden, the population register).
  start('digital-mail-simulator', ['dist/apps/digital-mail-simulator/src/main.js'], 'digital-mail-simulator ready'),
  start('api', ['dist/apps/api/src/main.js'], 'Kommuna api ready'),
  start('portal', ['dist/apps/portal/src/main.js'], 'Kommuna portal ready'),
]);
process.stdout.write(`\nKommuna is running (${Date.now() - started} ms): GraphQL http://127.0.0.1:3000/graphql, identity provider http://127.0.0.1:3001/realms/kommuna, steering group portal http://127.0.0.1:3003 (README: demo logins)\n`);
