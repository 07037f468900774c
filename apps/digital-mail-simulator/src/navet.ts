import { createHash, randomBytes } from 'node:crypto';
import { NAVET_MAX_IDS_PER_CALL, NAVET_SIMULATOR_CLIENT, NAVET_SIMULATOR_TOKEN_PATH, NAVET_V3_PATH } from '@kommuna/digital-mail';

/**
 * A stand-in for Skatteverket's Navet REST v3 lookup, "Folkbokföringsuppgifter för offentliga
 * aktörer": an OAuth2 client-credentials token endpoint and POST …/v3/hamta, which checks the bearer
 * token, the API gateway's client_id/client_secret headers, skv_client_correlation_id and the order
 * (organisationsnummer, bestallningsidentitet), and answers personposter and felrapporter in the v3
 * shape (libs/digital-mail/src/adapters/navet/navet-v3.schema.ts; its contract tests check this
 * simulator's answers). Seeded with people in Skatteverket's test-personnummer style (serial numbers
 * 980–999, valid check digit), among them a protected, a confidential, a deceased and an emigrated
 * person and a samordningsnummer; any other valid number is an ordinary person whose name and
 * address follow from a hash of the number. Faults for tests: 429 and 503 on the next requests, a
 * refused client (401), unknown people.
 */
export { NAVET_V3_PATH };
export const NAVET_TOKEN_PATH = NAVET_SIMULATOR_TOKEN_PATH;
export const NAVET_CONTROL_PATH = '/_navet';

/** The development order and clients: the adapter's simulator defaults, registered here. */
export const NAVET_DEV_CLIENT = NAVET_SIMULATOR_CLIENT;

export type Protection = 'none' | 'sekretessmarkering' | 'skyddad-folkbokforing';

export interface SimulatedPerson {
  fornamn: string;
  efternamn: string;
  protection: Protection;
  /** Navet's deregistration code: AV avliden, UV utvandrad (others: GN, GS, OB, TA, AN). */
  avregistrering?: { kod: 'AV' | 'UV' | 'GN' | 'GS' | 'OB' | 'TA' | 'AN'; datum: string };
  address?: { careOf?: string; utdelningsadress2: string; postnummer: string; postort: string } | null;
}

/**
 * The seeded people (docs/digital-mail.md lists them). The dev-idp demo citizens keep what they had:
 * Anna has a digital mailbox, Erik gets paper at his address.
 */
export const SEEDED_PEOPLE: Readonly<Record<string, SimulatedPerson>> = {
  '199001019802': {
    fornamn: 'Anna',
    efternamn: 'Andersson',
    protection: 'none',
    address: { utdelningsadress2: 'Storgatan 12', postnummer: '85230', postort: 'SUNDSVALL' },
  },
  '197110109878': {
    fornamn: 'Erik',
    efternamn: 'Eriksson',
    protection: 'none',
    address: { utdelningsadress2: 'Bergsgatan 4', postnummer: '86131', postort: 'TIMRÅ' },
  },
  // Skyddad folkbokföring: registered where they no longer live; no address is ever given out.
  '198507099805': { fornamn: 'Sara', efternamn: 'Nilsson', protection: 'skyddad-folkbokforing', address: null },
  // Sekretessmarkering: the address is answered with the marking; Kommuna must never print or show it.
  '197608259813': {
    fornamn: 'Johan',
    efternamn: 'Larsson',
    protection: 'sekretessmarkering',
    address: { utdelningsadress2: 'Hemliga vägen 7', postnummer: '85231', postort: 'SUNDSVALL' },
  },
  '193910149800': {
    fornamn: 'Karin',
    efternamn: 'Olsson',
    protection: 'none',
    avregistrering: { kod: 'AV', datum: '2025-11-02' },
    address: null,
  },
  '196811289815': {
    fornamn: 'Lars',
    efternamn: 'Persson',
    protection: 'none',
    avregistrering: { kod: 'UV', datum: '2024-05-20' },
    address: null,
  },
  // A samordningsnummer (day of birth + 60: born 1991-02-11), with a Swedish address.
  '199102719805': {
    fornamn: 'Maria',
    efternamn: 'Karlsson',
    protection: 'none',
    address: { careOf: 'Eva Johansson', utdelningsadress2: 'Köpmangatan 3', postnummer: '87131', postort: 'HÄRNÖSAND' },
  },
};

export interface NavetSimulatorConfig {
  /** Registered OAuth2 clients (client id → secret) and API gateway clients. */
  clients: Record<string, string>;
  gatewayClients: Record<string, string>;
  /** Accepted orders: organisationsnummer → bestallningsidentitet. */
  orders: Record<string, string>;
  /** Numbers the register does not know (answered with a felrapport). */
  unknown: string[];
  /** The next n lookups are answered 429 (rate limited), then 503 for the next m. */
  rateLimitNext: number;
  failNext: number;
  /** The next n token requests are answered 503. */
  failTokenNext: number;
  tokenLifetimeSeconds: number;
}

export const DEFAULT_NAVET_CONFIG: NavetSimulatorConfig = {
  clients: { [NAVET_DEV_CLIENT.clientId]: NAVET_DEV_CLIENT.clientSecret },
  gatewayClients: { [NAVET_DEV_CLIENT.gatewayClientId]: NAVET_DEV_CLIENT.gatewayClientSecret },
  orders: { [NAVET_DEV_CLIENT.organisationsnummer]: NAVET_DEV_CLIENT.bestallningsidentitet },
  unknown: [],
  rateLimitNext: 0,
  failNext: 0,
  failTokenNext: 0,
  tokenLifetimeSeconds: 300,
};

export interface NavetLookupRecord {
  correlationId: string;
  /** The request body as received (identity numbers are test numbers). */
  body: unknown;
  status: number;
  answer: unknown;
}

export interface NavetRecords {
  tokenRequests: number;
  /** The last 50 lookups, oldest first. */
  lookups: NavetLookupRecord[];
}

type Headers = Record<string, string | string[] | undefined>;
export type Answer = [number, unknown];

export interface NavetSimulatorHooks {
  /** People the shared simulator's `noAddress` setting names: registered, without an address. */
  noAddress(): string[];
  /** The shared transient-fault switch (failNextRequests, transientFaultRate). */
  fault(): boolean;
  /** Told of each lookup's size (the shared records' addressLookups). */
  onLookup(idCount: number): void;
}

export interface NavetSimulator {
  config: NavetSimulatorConfig;
  /** The answer to a Navet request (token, hamta, /_navet control), or undefined when the path is not Navet's. */
  handle(method: string, path: string, headers: Headers, raw: string): Answer | undefined;
  records(): NavetRecords;
  reset(): void;
}

const share = (id: string, salt: string): number => createHash('sha256').update(`${salt}:${id}`).digest().readUInt32BE(0) / 0x1_0000_0000;
const FIRST = ['Anna', 'Erik', 'Maria', 'Lars', 'Karin', 'Johan', 'Eva', 'Nils', 'Sara', 'Per'];
const LAST = ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson'];
const STREETS = ['Storgatan', 'Esplanaden', 'Bergsgatan', 'Skolhusallén', 'Trädgårdsgatan', 'Köpmangatan'];
const CITIES: Array<[string, string]> = [
  ['85230', 'SUNDSVALL'],
  ['84131', 'ÅNGE'],
  ['86131', 'TIMRÅ'],
  ['87131', 'HÄRNÖSAND'],
];
const IDENTITY = /^(18|19|20)\d{2}(0[1-9]|1[0-2])([06][1-9]|[1278]\d|[39][01])\d{4}$/;

function luhnValid(twelve: string): boolean {
  const digits = twelve.slice(2);
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}

/** An ordinary person for any valid number the seed does not name. */
function generatedPerson(id: string): SimulatedPerson {
  const pick = <T>(list: T[], salt: string) => list[Math.floor(share(id, salt) * list.length)];
  const [postnummer, postort] = pick(CITIES, 'city');
  return {
    fornamn: pick(FIRST, 'first'),
    efternamn: pick(LAST, 'last'),
    protection: 'none',
    address: { utdelningsadress2: `${pick(STREETS, 'street')} ${1 + Math.floor(share(id, 'number') * 60)}`, postnummer, postort },
  };
}

/**
 * One person record in the v3 shape. As Navet does for an authority, a person with sekretessmarkering
 * comes with their address and the marking (the receiver must keep it secret); skyddad folkbokföring
 * has no address to give.
 */
function personpost(id: string, person: SimulatedPerson, withoutAddress: boolean): Record<string, unknown> {
  const address = person.protection !== 'skyddad-folkbokforing' && !withoutAddress && person.address ? person.address : null;
  return {
    identitet: { identitetsbeteckning: id, status: person.avregistrering ? 'avregistrerad' : 'aktiv' },
    namn: { fornamn: person.fornamn, mellannamn: null, efternamn: person.efternamn, tilltalsnamnsmarkering: null },
    skyddAvPersonuppgifter: {
      sekretessmarkering: person.protection === 'sekretessmarkering',
      skyddadFolkbokforing: person.protection === 'skyddad-folkbokforing',
    },
    adresser: {
      folkbokforingsadress: address
        ? {
            careOf: address.careOf ?? null,
            utdelningsadress1: null,
            utdelningsadress2: address.utdelningsadress2,
            postnummer: address.postnummer,
            postort: address.postort,
          }
        : null,
    },
    avregistrering: person.avregistrering
      ? { avregistreringsorsakKod: person.avregistrering.kod, avregistreringsdatum: person.avregistrering.datum }
      : null,
  };
}

export function createNavetSimulator(hooks: NavetSimulatorHooks, overrides: Partial<NavetSimulatorConfig> = {}): NavetSimulator {
  const config: NavetSimulatorConfig = structuredClone({ ...DEFAULT_NAVET_CONFIG, ...overrides });
  const tokens = new Map<string, number>();
  let records: NavetRecords = { tokenRequests: 0, lookups: [] };

  const header = (headers: Headers, name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const error = (status: number, code: string, message: string): Answer => [status, { felkod: code, felmeddelande: message }];

  function token(headers: Headers, raw: string): Answer {
    records.tokenRequests++;
    if (config.failTokenNext > 0) {
      config.failTokenNext--;
      return [503, { error: 'temporarily_unavailable' }];
    }
    const form = new URLSearchParams(raw);
    if (form.get('grant_type') !== 'client_credentials') return [400, { error: 'unsupported_grant_type' }];
    // client_secret_basic (RFC 6749 2.3.1: form-encoded, then base64) or client_secret_post.
    const basic = /^Basic (\S+)$/.exec(header(headers, 'authorization') ?? '')?.[1];
    const [id, secret] = basic
      ? Buffer.from(basic, 'base64')
          .toString('utf8')
          .split(':')
          .map((part) => decodeURIComponent(part.replace(/\+/g, ' ')))
      : [form.get('client_id') ?? '', form.get('client_secret') ?? ''];
    if (!id || config.clients[id] === undefined || config.clients[id] !== secret) return [401, { error: 'invalid_client' }];
    const accessToken = randomBytes(24).toString('base64url');
    tokens.set(accessToken, Date.now() + config.tokenLifetimeSeconds * 1000);
    return [200, { access_token: accessToken, token_type: 'Bearer', expires_in: config.tokenLifetimeSeconds }];
  }

  function hamta(headers: Headers, raw: string): Answer {
    if (config.rateLimitNext > 0) {
      config.rateLimitNext--;
      return error(429, 'FOR_MANGA_ANROP', 'Too many requests');
    }
    if (config.failNext > 0) {
      config.failNext--;
      return error(503, 'TJANSTEN_OTILLGANGLIG', 'Service unavailable');
    }
    if (hooks.fault()) return error(503, 'TJANSTEN_OTILLGANGLIG', 'Simulated transient fault');
    const bearer = /^Bearer (\S+)$/.exec(header(headers, 'authorization') ?? '')?.[1];
    const expiresAt = bearer ? tokens.get(bearer) : undefined;
    if (!expiresAt || expiresAt < Date.now()) return error(401, 'OGILTIG_TOKEN', 'The access token is missing, unknown or expired');
    const gatewayId = header(headers, 'client_id') ?? '';
    if (!gatewayId || config.gatewayClients[gatewayId] !== header(headers, 'client_secret'))
      return error(401, 'OGILTIG_KLIENT', 'Unknown gateway client');
    const correlationId = header(headers, 'skv_client_correlation_id');
    if (!correlationId) return error(400, 'KORRELATIONSID_SAKNAS', 'skv_client_correlation_id is required');

    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return error(400, 'OGILTIG_BEGARAN', 'The body is not JSON');
    }
    const answer = lookup(body);
    records.lookups.push({ correlationId, body, status: answer[0], answer: answer[1] });
    if (records.lookups.length > 50) records.lookups.shift();
    return answer;
  }

  function lookup(body: unknown): Answer {
    const { bestallning, sokvillkor } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const order = (typeof bestallning === 'object' && bestallning !== null ? bestallning : {}) as Record<string, unknown>;
    if (typeof order.organisationsnummer !== 'string' || typeof order.bestallningsidentitet !== 'string' || !Array.isArray(sokvillkor))
      return error(400, 'OGILTIG_BEGARAN', 'bestallning{organisationsnummer, bestallningsidentitet} and sokvillkor[] are required');
    if (sokvillkor.length === 0 || sokvillkor.length > NAVET_MAX_IDS_PER_CALL)
      return error(400, 'OGILTIG_BEGARAN', `sokvillkor holds 1 to ${NAVET_MAX_IDS_PER_CALL} identities`);
    // An order Skatteverket does not know is reported, not looked up.
    if (config.orders[order.organisationsnummer] !== order.bestallningsidentitet)
      return [200, { personposter: [], felrapporter: [{ orsakskod: 'OGILTIG_BESTALLNING', orsakskodsbeskrivning: 'Okänd beställning' }] }];
    hooks.onLookup(sokvillkor.length);
    const personposter: unknown[] = [];
    const felrapporter: unknown[] = [];
    const withoutAddress = new Set(hooks.noAddress());
    for (const term of sokvillkor) {
      const id = (term as { identitetsbeteckning?: unknown })?.identitetsbeteckning;
      if (typeof id !== 'string' || !IDENTITY.test(id) || !luhnValid(id)) {
        felrapporter.push({
          ...(typeof id === 'string' ? { identitetsbeteckning: id.slice(0, 20) } : {}),
          orsakskod: 'OGILTIG_IDENTITETSBETECKNING',
          orsakskodsbeskrivning: 'Ogiltig identitetsbeteckning',
        });
        continue;
      }
      if (config.unknown.includes(id)) {
        felrapporter.push({
          identitetsbeteckning: id,
          orsakskod: 'PERSON_SAKNAS',
          orsakskodsbeskrivning: 'Personen finns inte i folkbokföringen',
        });
        continue;
      }
      personposter.push(personpost(id, SEEDED_PEOPLE[id] ?? generatedPerson(id), withoutAddress.has(id)));
    }
    return [200, { personposter, felrapporter }];
  }

  function control(method: string, raw: string): Answer {
    if (method === 'POST') {
      let change: unknown;
      try {
        change = JSON.parse(raw || '{}');
      } catch {
        change = undefined;
      }
      if (!change || typeof change !== 'object') return [400, { code: 'BAD_REQUEST', message: 'a JSON object of settings is required' }];
      for (const key of Object.keys(DEFAULT_NAVET_CONFIG) as Array<keyof NavetSimulatorConfig>) {
        const value = (change as Partial<NavetSimulatorConfig>)[key];
        if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
      }
    }
    return [200, config];
  }

  return {
    config,
    handle(method, path, headers, raw) {
      const route = `${method} ${path}`;
      if (route === `POST ${NAVET_TOKEN_PATH}`) return token(headers, raw);
      if (route === `POST ${NAVET_V3_PATH}/hamta`) return hamta(headers, raw);
      if (path === `${NAVET_CONTROL_PATH}/control` && (method === 'GET' || method === 'POST')) return control(method, raw);
      if (route === `GET ${NAVET_CONTROL_PATH}/records`) return [200, records];
      return undefined;
    },
    records: () => structuredClone(records),
    // Like the shared simulator's reset: what was received is forgotten, settings and tokens stay.
    reset() {
      records = { tokenRequests: 0, lookups: [] };
    },
  };
}
