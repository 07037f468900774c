// `npm start`: the platform on embedded defaults. Starts the api and dev-idp (the Keycloak-compatible identity
// provider), then the digital-mail simulator, the AI model simulator, the steering group's portal and the residents'
// web, forwards Ctrl-C / SIGTERM to all of them, and stops them all if one fails.
//
// Ports are set in one place, the environment (README "Configuration"): every URL one process needs
// of another (KEYCLOAK_URL, DIGITAL_MAIL_SIMULATOR_URL, API_URL, the portal's and the web's
// redirect URIs at dev-idp) is derived here from them, and the banner prints what each process reports it bound.
import { spawn, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Each process's port variable, its default, and the address it listens on. */
const PORTS = {
  api: { variable: 'PORT', fallback: 3000, host: process.env.HOST ?? '127.0.0.1' },
  devIdp: { variable: 'DEV_IDP_PORT', fallback: 3001, host: process.env.DEV_IDP_HOST ?? '127.0.0.1' },
  portal: { variable: 'PORTAL_PORT', fallback: 3003, host: process.env.PORTAL_HOST ?? '127.0.0.1' },
  simulator: { variable: 'DIGITAL_MAIL_SIMULATOR_PORT', fallback: 3004, host: '127.0.0.1' },
  web: { variable: 'WEB_PORT', fallback: 3005, host: process.env.WEB_HOST ?? '127.0.0.1' },
  aiSimulator: { variable: 'AI_SIMULATOR_PORT', fallback: 3006, host: '127.0.0.1' },
};

/** The member municipalities (tenants/<slug>/): the web serves each on <slug>.localhost here. */
const tenantSlugs = () =>
  fs
    .readdirSync(path.join(root, process.env.KOMMUNA_TENANTS_DIR ?? 'tenants'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

/** How a browser or another process reaches an address (a wildcard address is reached on loopback). */
const urlHost = (host) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host);

/**
 * Each port from its variable. A 0 is resolved to a free port here rather than by the process,
 * because the others must know it before it binds (the portal's redirect URI is registered at
 * dev-idp, which the portal in turn needs): the probes stay open until all are picked, so no two
 * processes get the same port.
 */
async function resolvePorts() {
  const ports = {};
  for (const [name, { variable, fallback }] of Object.entries(PORTS)) {
    const value = process.env[variable] ?? String(fallback);
    if (!/^\d+$/.test(value) || Number(value) > 65535)
      throw new Error(`${variable} must be a port number (0-65535; 0 picks a free one), not "${value}"`);
    ports[name] = Number(value);
  }
  const fixed = Object.entries(ports).filter(([, port]) => port !== 0);
  for (const [name, port] of fixed) {
    const other = fixed.find(([otherName, otherPort]) => otherName !== name && otherPort === port);
    if (other) throw new Error(`${PORTS[name].variable} and ${PORTS[other[0]].variable} are both ${port}: each process needs its own port`);
  }
  const probes = [];
  try {
    for (const name of Object.keys(ports).filter((n) => ports[n] === 0)) {
      const probe = net.createServer();
      probes.push(probe);
      await new Promise((resolve, reject) => probe.once('error', reject).listen(0, PORTS[name].host, resolve));
      ports[name] = probe.address().port;
    }
  } finally {
    await Promise.all(probes.map((probe) => new Promise((resolve) => probe.close(resolve))));
  }
  return ports;
}

/**
 * The key the api signs Mina ombud's end-user id tokens with (the simulator trusts its public
 * half): made once in .data/ for `npm start`; production names its own (tenant.yaml idTokenKeyRef).
 */
function minaOmbudIdTokenKeyFile() {
  if (process.env.MINA_OMBUD_ID_TOKEN_KEY_FILE) return process.env.MINA_OMBUD_ID_TOKEN_KEY_FILE;
  const file = path.join(root, '.data', 'mina-ombud', 'id-token-key.pem');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    fs.writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  }
  return file;
}

/** The environment every process gets: its port, and the URLs of the others derived from theirs. */
function platformEnv(ports) {
  const api = `http://${urlHost(PORTS.api.host)}:${ports.api}`;
  const devIdp = (process.env.DEV_IDP_URL ?? `http://${urlHost(PORTS.devIdp.host)}:${ports.devIdp}`).replace(/\/+$/, '');
  const portal = (process.env.PORTAL_PUBLIC_URL ?? `http://${urlHost(PORTS.portal.host)}:${ports.portal}`).replace(/\/+$/, '');
  const simulator = `http://${urlHost(PORTS.simulator.host)}:${ports.simulator}`;
  // The web client's callbacks at dev-idp: the portal's, and the api's for a browser app on its
  // origin; a loopback one also under the name localhost, which browsers treat as another origin.
  // The residents' web is one app on every municipality's host (<slug>.localhost outside production).
  const webCallbacks = tenantSlugs().map((slug) => `http://${slug}.localhost:${ports.web}/auth/callback`);
  const redirectUris = [`${api}/callback`, `${portal}/auth/callback`]
    .flatMap((uri) => (new URL(uri).hostname === '127.0.0.1' ? [uri, uri.replace('//127.0.0.1', '//localhost')] : [uri]))
    .concat(webCallbacks);
  return {
    ...process.env,
    SWC_NODE_PROJECT: path.join(root, 'tsconfig.base.json'),
    PORT: String(ports.api),
    DEV_IDP_PORT: String(ports.devIdp),
    PORTAL_PORT: String(ports.portal),
    DIGITAL_MAIL_SIMULATOR_PORT: String(ports.simulator),
    WEB_PORT: String(ports.web),
    AI_SIMULATOR_PORT: String(ports.aiSimulator),
    // The api registers it as every municipality's chat and transcription model (libs/ai demo-seed).
    AI_SIMULATOR_URL: `http://${urlHost(PORTS.aiSimulator.host)}:${ports.aiSimulator}/v1`,
    KEYCLOAK_URL: devIdp,
    DIGITAL_MAIL_SIMULATOR_URL: simulator,
    MINA_OMBUD_ID_TOKEN_KEY_FILE: minaOmbudIdTokenKeyFile(),
    API_URL: `${api}/graphql`,
    DEV_IDP_REDIRECT_URIS: redirectUris.join(','),
  };
}

const children = [];

/** Starts a process; resolves with the line in which it says it is ready. */
function start(name, args, readyText, env) {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  child.stdout.pipe(process.stdout);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`${name} stopped (${signal ?? `exit ${code}`}); stopping the platform\n`);
    stop(code || 1);
  });
  return new Promise((resolve) => {
    let pending = '';
    const read = (chunk) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop();
      const ready = lines.find((line) => line.includes(readyText));
      if (ready === undefined) return;
      child.stdout.off('data', read);
      resolve(ready);
    };
    child.stdout.on('data', read);
  });
}

let stopping = false;
function stop(code) {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.on('exit', r)) : undefined))).then(() => process.exit(code));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

let ports;
try {
  ports = await resolvePorts();
} catch (error) {
  process.stderr.write(`npm start: ${error.message}\n`);
  process.exit(1);
}
const env = platformEnv(ports);

// The apps run as JavaScript (dist/, compiled in under a second by `npm run build`); dev-idp, an
// ES module with ES-only dependencies, still runs its TypeScript through the loader.
const build = spawnSync(process.execPath, ['tools/scripts/build-dist.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

// The api and dev-idp first, then the others together once the api is ready. None needs another
// to start (the api fetches the realm's keys on the first token and retries mail to the simulator;
// the portal's and the web's redirect URIs are registered at dev-idp from DEV_IDP_REDIRECT_URIS,
// not by them), but on a two-core machine six processes loading their code at once left the api,
// the slowest to start (migrations, tenants, demo data), ready last: 9.7 s after the build for its
// own 4.4 s. The api and dev-idp (the slowest of the others: its TypeScript is compiled as it
// loads) each have a core; the portal, the web and the simulators, quick to start, follow.
const started = Date.now();
const idpReady = start('dev-idp', ['--import', '@swc-node/register/esm-register', 'apps/dev-idp/src/main.ts'], 'dev-idp ready', env);
const api = await start('api', ['dist/apps/api/src/main.js'], 'Kommuna api ready', env);
const [devIdp, simulator, aiSimulator, portal, web] = await Promise.all([
  idpReady,
  // Stands in for the national digital-mail parties (Mina meddelanden, the population register).
  start('digital-mail-simulator', ['dist/apps/digital-mail-simulator/src/main.js'], 'digital-mail-simulator ready', env),
  // Stands in for the AI model hosts (OpenAI-compatible chat and transcription; docs/ai.md).
  start('ai-simulator', ['dist/apps/ai-simulator/src/main.js'], 'ai-simulator ready', env),
  start('portal', ['dist/apps/portal/src/main.js'], 'Kommuna portal ready', env),
  start('web', ['dist/apps/web/src/main.js'], 'Kommuna web ready', env),
]);
// What the processes say they bound, not what was asked of them.
const bound = {
  graphql: JSON.parse(api).graphql,
  realms: JSON.parse(devIdp).realms,
  portal: JSON.parse(portal).url,
  simulator: /ready on (\S+)/.exec(simulator)?.[1],
  aiSimulator: /ready on (\S+)/.exec(aiSimulator)?.[1],
  web: JSON.parse(web).municipalities,
};
process.stdout.write(
  [
    '',
    `Kommuna is running (${Date.now() - started} ms):`,
    `  GraphQL                  ${bound.graphql}`,
    `  identity provider        ${bound.realms.join(', ')}`,
    `  steering group portal    ${bound.portal}`,
    `  digital-mail simulator   ${bound.simulator}`,
    `  AI model simulator       ${bound.aiSimulator}`,
    `  residents' web           ${bound.web.join(', ')}`,
    'Demo logins: README. Ports: PORT, DEV_IDP_PORT, PORTAL_PORT, DIGITAL_MAIL_SIMULATOR_PORT, WEB_PORT, AI_SIMULATOR_PORT (0 picks free ones).',
    '',
  ].join('\n'),
);
