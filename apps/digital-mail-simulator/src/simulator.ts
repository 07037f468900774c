import { createHash, X509Certificate } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createMinaMeddelandenServices, MinaMeddelandenCases, SimulatedLetter } from './mina-meddelanden/services';
import { createMinaOmbudSimulator, MinaOmbudSimulatorConfig } from './mina-ombud/simulator';
import { createNavetSimulator } from './navet';

/**
 * A stand-in for the national parties digital mail talks to (Mina meddelanden's reachability and
 * delivery services, and the population register's address lookup), speaking the same request
 * and response shapes. It is configurable (share of reachable recipients, latency, transient
 * faults, special recipients and senders) and records what it received, so tests can prove that
 * every letter arrived exactly once.
 */
export interface SimulatorConfig extends MinaMeddelandenCases {
  /** Share (0..1) of recipients with a digital mailbox, chosen by a hash of the id (deterministic). */
  reachableShare: number;
  /** Added to every answer. */
  latencyMs: number;
  /** Share (0..1) of requests answered 503. */
  transientFaultRate: number;
  /** The next n requests (to any party endpoint) are answered 503, then normal service. */
  failNextRequests: number;
  /** Recipients that always / never have a mailbox, whatever the hash says. */
  reachable: string[];
  unreachable: string[];
  /** Recipients under 18: a mailbox, but the operator refuses their letters (applicationFault 6004). */
  under18: string[];
  /** Recipients whose mailbox refuses letters from every sender (senderAccepted false). */
  refusingRecipients: string[];
  /** Sender organisationsnummer Mina meddelanden does not accept: SenderAccepted false, deliveries refused (5002). */
  rejectedSenders: string[];
  /** Recipients the population register has no address for. */
  noAddress: string[];
}

export const DEFAULT_CONFIG: SimulatorConfig = {
  reachableShare: 0.7,
  latencyMs: 0,
  transientFaultRate: 0,
  failNextRequests: 0,
  // The dev-idp demo citizens: Anna has a digital mailbox, Erik does not (README, docs/digital-mail.md).
  reachable: ['199001019802'],
  unreachable: ['197110109878'],
  under18: [],
  refusingRecipients: [],
  rejectedSenders: [],
  pending: [],
  anonymous: [],
  unknownOperator: [],
  noAddress: [],
};

const OPERATORS = ['Kivra', 'Min myndighetspost', 'Billo', 'Fortnox'];

/** One letter the simulator accepted (its records' `deliveries`). */
export type DeliveryRecord = SimulatedLetter;

export interface SimulatorRecords {
  reachabilityCalls: Array<{ senderOrgNr: string; recipientCount: number }>;
  /** One entry per letter accepted: a repeated delivery of the same message id is not a new letter. */
  deliveries: DeliveryRecord[];
  /** Per message id: letters accepted (must be 1) and delivery requests received (retries add to it). */
  deliveryCounts: Record<string, { accepted: number; requests: number }>;
  addressLookups: Array<{ idCount: number }>;
  faultsInjected: number;
}

export interface RunningSimulator {
  url: string;
  port: number;
  config: SimulatorConfig;
  records(): SimulatorRecords;
  configure(change: Partial<SimulatorConfig>): void;
  reset(): void;
  close(): Promise<void>;
}

const share = (id: string, salt: string): number => createHash('sha256').update(`${salt}:${id}`).digest().readUInt32BE(0) / 0x1_0000_0000;

/** HTTPS with mutual TLS, as Mina meddelanden's services answer: the client must show a certificate issued by `clientCaPem`. */
export interface SimulatorTls {
  certificatePem: string;
  privateKeyPem: string;
  clientCaPem: string;
}

export function startSimulator(
  options: Partial<SimulatorConfig> & {
    port?: number;
    host?: string;
    minaOmbud?: Partial<MinaOmbudSimulatorConfig>;
    tls?: SimulatorTls;
    /** Issuers (PEM) the signatures on deliveries must chain to; none: any certificate whose signature verifies. */
    trustedSigners?: string[];
  } = {},
): Promise<RunningSimulator> {
  const { port = 0, host = '127.0.0.1', minaOmbud: minaOmbudOptions, tls, trustedSigners = [], ...overrides } = options;
  // Mina ombud (representation) under /mina-ombud: its own routes, control and records.
  const minaOmbud = createMinaOmbudSimulator(minaOmbudOptions);
  const config: SimulatorConfig = { ...DEFAULT_CONFIG, ...overrides };
  let records: SimulatorRecords = emptyRecords();

  const isReachable = (id: string) =>
    config.reachable.includes(id) ||
    (!config.unreachable.includes(id) && !config.under18.includes(id) && share(id, 'reachable') < config.reachableShare);

  const fault = (): boolean => {
    if (config.failNextRequests > 0) {
      config.failNextRequests--;
      records.faultsInjected++;
      return true;
    }
    if (config.transientFaultRate > 0 && Math.random() < config.transientFaultRate) {
      records.faultsInjected++;
      return true;
    }
    return false;
  };

  // The population register: Navet v3 (navet.ts), its people, token endpoint and faults of its own.
  const navet = createNavetSimulator({
    noAddress: () => config.noAddress,
    fault,
    onLookup: (n) => records.addressLookups.push({ idCount: n }),
  });

  // Mina meddelanden (mina-meddelanden/services.ts): the Recipient service and the operators' deliverSecure, in SOAP.
  const trustedIssuers = trustedSigners.map((pem) => new X509Certificate(pem));
  let baseUrl = '';
  const minaMeddelanden = createMinaMeddelandenServices({
    cases: () => config,
    hasMailbox: isReachable,
    operatorOf: (id) => OPERATORS[Math.floor(share(id, 'operator') * OPERATORS.length)],
    baseUrl: () => baseUrl,
    trustedIssuers: () => trustedIssuers,
    onReachabilityCall: (call) => records.reachabilityCalls.push(call),
    onDelivery: (messageId, { accepted, letter }) => {
      const counts = (records.deliveryCounts[messageId] ??= { accepted: 0, requests: 0 });
      if (!accepted) counts.requests++;
      if (accepted && letter) {
        counts.accepted++;
        records.deliveries.push(letter);
      }
    },
  });

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => send(res, 500, { code: 'INTERNAL', message: 'simulator error' }));
  };
  const server: Server = tls
    ? https.createServer(
        { cert: tls.certificatePem, key: tls.privateKeyPem, ca: tls.clientCaPem, requestCert: true, rejectUnauthorized: true },
        listener,
      )
    : createServer(listener);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const route = `${req.method} ${(req.url ?? '/').split('?')[0]}`;
    const raw = await readBody(req);
    const minaOmbudAnswer = await (await minaOmbud).handle(req.method ?? 'GET', (req.url ?? '/').split('?')[0], req.headers, raw);
    if (minaOmbudAnswer) return send(res, minaOmbudAnswer[0], minaOmbudAnswer[1]);
    if (route === 'GET /health') return send(res, 200, { status: 'ok' });
    if (route === 'GET /_records') return send(res, 200, records);
    if (route === 'GET /_control') return send(res, 200, config);
    if (route === 'POST /_control') {
      const change = parse(raw);
      if (!change || typeof change !== 'object')
        return send(res, 400, { code: 'BAD_REQUEST', message: 'a JSON object of settings is required' });
      apply(change as Partial<SimulatorConfig>);
      return send(res, 200, config);
    }
    if (route === 'POST /_reset') {
      reset();
      return send(res, 200, { reset: true });
    }
    const navetAnswer = navet.handle(req.method ?? 'GET', (req.url ?? '/').split('?')[0], req.headers, raw);
    if (navetAnswer) return send(res, navetAnswer[0], navetAnswer[1]);
    const path = (req.url ?? '/').split('?')[0];
    if (!minaMeddelanden.serves(path)) return send(res, 404, { code: 'NOT_FOUND', message: `No route ${route}` });
    if (config.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, config.latencyMs));
    if (fault()) return send(res, 503, { code: 'SERVICE_UNAVAILABLE', message: 'Simulated transient fault' });
    const answer = minaMeddelanden.handle(req.method ?? 'GET', path, raw);
    res.writeHead(answer.status, { 'content-type': 'text/xml; charset=utf-8' });
    res.end(answer.body);
  }

  function apply(change: Partial<SimulatorConfig>): void {
    const set = <K extends keyof SimulatorConfig>(key: K, value: SimulatorConfig[K] | undefined) => {
      if (value !== undefined) config[key] = value;
    };
    for (const key of Object.keys(DEFAULT_CONFIG) as Array<keyof SimulatorConfig>) set(key, change[key]);
  }

  function reset(): void {
    records = emptyRecords();
    navet.reset();
    minaMeddelanden.reset();
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      baseUrl = `${tls ? 'https' : 'http'}://${host}:${address.port}`;
      resolve({
        url: baseUrl,
        port: address.port,
        config,
        records: () => JSON.parse(JSON.stringify(records)),
        configure: apply,
        reset,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

function emptyRecords(): SimulatorRecords {
  return { reachabilityCalls: [], deliveries: [], deliveryCounts: {}, addressLookups: [], faultsInjected: 0 };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parse(raw: string): unknown {
  if (!raw) return {};
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
