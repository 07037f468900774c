import * as fs from 'node:fs';
import { publicJwkFromPem } from './mina-ombud/simulator';
import { DEFAULT_CONFIG, SimulatorConfig, startSimulator } from './simulator';

/** Environment: DIGITAL_MAIL_SIMULATOR_PORT (3004; 0 picks a free port), SIM_* settings, or --key=value arguments. */
function settingsFrom(env: NodeJS.ProcessEnv, argv: string[]): Partial<SimulatorConfig> & { port: number } {
  const args = Object.fromEntries(argv.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=') as [string, string]));
  const value = (name: string, envName: string) => args[name] ?? env[envName];
  const number = (name: string, envName: string) => (value(name, envName) !== undefined ? Number(value(name, envName)) : undefined);
  const list = (name: string, envName: string) =>
    value(name, envName)
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const port = value('port', 'DIGITAL_MAIL_SIMULATOR_PORT') ?? '3004';
  if (!/^\d+$/.test(port) || Number(port) > 65535)
    throw new Error(`DIGITAL_MAIL_SIMULATOR_PORT (--port) must be a port number (0-65535; 0 picks a free one), not "${port}"`);
  const settings = {
    port: Number(port),
    reachableShare: number('reachable-share', 'SIM_REACHABLE_SHARE'),
    latencyMs: number('latency-ms', 'SIM_LATENCY_MS'),
    transientFaultRate: number('fault-rate', 'SIM_TRANSIENT_FAULT_RATE'),
    under18: list('under-18', 'SIM_UNDER_18'),
    rejectedSenders: list('rejected-senders', 'SIM_REJECTED_SENDERS'),
    reachable: list('reachable', 'SIM_REACHABLE') ?? DEFAULT_CONFIG.reachable,
    unreachable: list('unreachable', 'SIM_UNREACHABLE') ?? DEFAULT_CONFIG.unreachable,
  };
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as Partial<SimulatorConfig> & { port: number };
}

/** Mina ombud trusts the public half of the key the api signs its end-user id tokens with (MINA_OMBUD_ID_TOKEN_KEY_FILE). */
function minaOmbudFrom(env: NodeJS.ProcessEnv) {
  const file = env.MINA_OMBUD_ID_TOKEN_KEY_FILE;
  return { idTokenKeys: file && fs.existsSync(file) ? [publicJwkFromPem(fs.readFileSync(file, 'utf8'))] : [] };
}

Promise.resolve()
  .then(() => startSimulator({ ...settingsFrom(process.env, process.argv.slice(2)), minaOmbud: minaOmbudFrom(process.env) }))
  .then((simulator) => {
    const stop = () => {
      simulator.close().then(
        () => process.exit(0),
        (error: Error) => {
          process.stderr.write(`digital-mail-simulator did not close cleanly: ${error.message}\n`);
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    // After the handlers: whoever reads the ready line may signal at once.
    process.stdout.write(`digital-mail-simulator ready on ${simulator.url}\n`);
  })
  .catch((error: Error) => {
    process.stderr.write(`digital-mail-simulator could not start: ${error.message}\n`);
    process.exit(1);
  });
