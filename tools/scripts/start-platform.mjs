// `npm start`: the platform on embedded defaults. Starts dev-idp (the Keycloak-compatible identity
// provider), the digital-mail simulator, the api and then the steering group's portal, forwards Ctrl-C / SIGTERM to all of them, and
// stops them all if one fails.
import { spawn } from 'node:child_process';
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

await start('dev-idp', ['--import', '@swc-node/register/esm-register', 'apps/dev-idp/src/main.ts'], 'dev-idp ready');
// Stands in for the national digital-mail parties (Mina meddelanden, the population register).
await start('digital-mail-simulator', ['-r', '@swc-node/register', 'apps/digital-mail-simulator/src/main.ts'], 'digital-mail-simulator ready');
await start('api', ['-r', '@swc-node/register', 'apps/api/src/main.ts'], 'Kommuna api ready');
await start('portal', ['-r', '@swc-node/register', 'apps/portal/src/main.ts'], 'Kommuna portal ready');
process.stdout.write('\nKommuna is running: GraphQL http://127.0.0.1:3000/graphql, identity provider http://127.0.0.1:3001/realms/kommuna, steering group portal http://127.0.0.1:3003 (README: demo logins)\n');
