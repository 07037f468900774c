import { createHash, randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMinaOmbudSimulator, MinaOmbudSimulatorConfig } from './mina-ombud/simulator';

/**
 * A stand-in for the national parties digital mail talks to (Mina meddelanden's reachability and
 * delivery services, and the population register's address lookup), speaking the same request
 * and response shapes. It is configurable (share of reachable recipients, latency, transient
 * faults, special recipients and senders) and records what it received, so tests can prove that
 * every letter arrived exactly once.
 */
export interface SimulatorConfig {
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
  /** Recipients under 18: no digital mailbox, reason RECIPIENT_UNDER_18. */
  under18: string[];
  /** Recipients whose mailbox refuses letters from every sender (senderAccepted false). */
  refusingRecipients: string[];
  /** Sender organisationsnummer Mina meddelanden does not accept: deliveries refused with 403. */
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
  noAddress: [],
};

const OPERATORS = ['Kivra', 'Min myndighetspost', 'Billo', 'Fortnox'];
const MAX_RECIPIENTS = 1000;

export interface DeliveryRecord {
  messageId: string;
  transactionId: string;
  recipient: string;
  mailboxOperator: string;
  senderOrgNr: string;
  subject: string;
  attachmentCount: number;
  receivedAt: string;
}

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

const FIRST = ['Anna', 'Erik', 'Maria', 'Lars', 'Karin', 'Johan', 'Eva', 'Nils', 'Sara', 'Per'];
const LAST = ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson'];
const STREETS = ['Storgatan', 'Esplanaden', 'Bergsgatan', 'Skolhusallén', 'Trädgårdsgatan', 'Köpmangatan'];
const CITIES: Array<[string, string]> = [
  ['852 30', 'Sundsvall'],
  ['841 31', 'Ånge'],
  ['861 31', 'Timrå'],
  ['871 31', 'Härnösand'],
];

export function startSimulator(
  options: Partial<SimulatorConfig> & { port?: number; host?: string; minaOmbud?: Partial<MinaOmbudSimulatorConfig> } = {},
): Promise<RunningSimulator> {
  const { port = 0, host = '127.0.0.1', minaOmbud: minaOmbudOptions, ...overrides } = options;
  // Mina ombud (representation) under /mina-ombud: its own routes, control and records.
  const minaOmbud = createMinaOmbudSimulator(minaOmbudOptions);
  const config: SimulatorConfig = { ...DEFAULT_CONFIG, ...overrides };
  let records: SimulatorRecords = emptyRecords();
  const byMessage = new Map<string, DeliveryRecord>();

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

  // A parsed JSON body's fields; anything but an object has none, so every required field is missing.
  const fieldsOf = (body: unknown): Record<string, unknown> =>
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};

  const routes: Record<string, (body: unknown) => [number, unknown]> = {
    'POST /reachability': (body) => {
      const { senderOrgNr, recipients } = fieldsOf(body);
      if (typeof senderOrgNr !== 'string' || !Array.isArray(recipients))
        return [400, { code: 'BAD_REQUEST', message: 'senderOrgNr and recipients are required' }];
      if (recipients.length > MAX_RECIPIENTS)
        return [400, { code: 'TOO_MANY_RECIPIENTS', message: `At most ${MAX_RECIPIENTS} recipients per call` }];
      records.reachabilityCalls.push({ senderOrgNr, recipientCount: recipients.length });
      const senderAccepted = !config.rejectedSenders.includes(senderOrgNr);
      return [
        200,
        recipients.map((raw: unknown) => {
          const id = String(raw);
          const reachable = isReachable(id);
          return {
            recipientId: id,
            reachable,
            mailboxOperator: reachable ? OPERATORS[Math.floor(share(id, 'operator') * OPERATORS.length)] : null,
            senderAccepted: reachable && senderAccepted && !config.refusingRecipients.includes(id),
            reason: reachable ? null : config.under18.includes(id) ? 'RECIPIENT_UNDER_18' : 'NO_MAILBOX',
          };
        }),
      ];
    },
    'POST /deliveries': (body) => {
      const { messageId, recipient, senderOrgNr, subject, attachments } = fieldsOf(body);
      if (
        typeof messageId !== 'string' ||
        typeof recipient !== 'string' ||
        typeof senderOrgNr !== 'string' ||
        typeof subject !== 'string'
      ) {
        return [400, { code: 'BAD_REQUEST', message: 'messageId, senderOrgNr, recipient and subject are required' }];
      }
      const counts = (records.deliveryCounts[messageId] ??= { accepted: 0, requests: 0 });
      counts.requests++;
      if (config.rejectedSenders.includes(senderOrgNr))
        return [403, { code: 'SENDER_NOT_ACCEPTED', message: 'The sender is not registered with Mina meddelanden' }];
      if (!isReachable(recipient)) return [422, { code: 'RECIPIENT_NOT_REACHABLE', message: 'The recipient has no digital mailbox' }];
      // The message id is the idempotency key: a repeated delivery returns the first answer.
      const earlier = byMessage.get(messageId);
      if (earlier) return [200, { transactionId: earlier.transactionId, duplicate: true }];
      const record: DeliveryRecord = {
        messageId,
        transactionId: `mm-${randomUUID()}`,
        recipient,
        mailboxOperator: OPERATORS[Math.floor(share(recipient, 'operator') * OPERATORS.length)],
        senderOrgNr,
        subject,
        attachmentCount: Array.isArray(attachments) ? attachments.length : 0,
        receivedAt: new Date().toISOString(),
      };
      byMessage.set(messageId, record);
      records.deliveries.push(record);
      counts.accepted++;
      return [200, { transactionId: record.transactionId }];
    },
    'POST /population/addresses': (body) => {
      const { ids } = fieldsOf(body);
      if (!Array.isArray(ids)) return [400, { code: 'BAD_REQUEST', message: 'ids is required' }];
      records.addressLookups.push({ idCount: ids.length });
      return [
        200,
        ids.map((raw: unknown) => {
          const id = String(raw);
          if (config.noAddress.includes(id)) return { id, name: null, address: null };
          const pick = <T>(list: T[], salt: string) => list[Math.floor(share(id, salt) * list.length)];
          const [postalCode, city] = pick(CITIES, 'city');
          return {
            id,
            name: `${pick(FIRST, 'first')} ${pick(LAST, 'last')}`,
            address: { careOf: null, street: `${pick(STREETS, 'street')} ${1 + Math.floor(share(id, 'number') * 60)}`, postalCode, city },
          };
        }),
      ];
    },
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, { code: 'INTERNAL', message: 'simulator error' }));
  });

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
    const handler = routes[route];
    if (!handler) return send(res, 404, { code: 'NOT_FOUND', message: `No route ${route}` });
    if (config.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, config.latencyMs));
    if (fault()) return send(res, 503, { code: 'SERVICE_UNAVAILABLE', message: 'Simulated transient fault' });
    const body = parse(raw);
    if (body === undefined) return send(res, 400, { code: 'BAD_REQUEST', message: 'The body is not JSON' });
    const [status, answer] = handler(body);
    send(res, status, answer);
  }

  function apply(change: Partial<SimulatorConfig>): void {
    const set = <K extends keyof SimulatorConfig>(key: K, value: SimulatorConfig[K] | undefined) => {
      if (value !== undefined) config[key] = value;
    };
    for (const key of Object.keys(DEFAULT_CONFIG) as Array<keyof SimulatorConfig>) set(key, change[key]);
  }

  function reset(): void {
    records = emptyRecords();
    byMessage.clear();
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${address.port}`,
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
