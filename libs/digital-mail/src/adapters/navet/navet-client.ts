import { randomUUID } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ErrorObject } from 'ajv';
import { postBytes } from '../http-json';
import { AdapterConfigurationError, PermanentAdapterError, PersonRecord, PostalAddress, TransientAdapterError } from '../types';
import { ClientCredentialsToken } from './access-token';
import {
  NAVET_ANSWER_SCHEMA,
  NAVET_MAX_IDS_PER_CALL,
  NAVET_REQUEST_SCHEMA,
  NavetAnswer,
  NavetPersonpost,
  NavetRequest,
} from './navet-v3.schema';

const PARTY = 'Population register (Navet)';
const PERSON_NUMBER = /^\d{12}$/;

/** Everything one Navet order needs, the secrets already read from where tenant.yaml names them. */
export interface NavetConnection {
  /** The v3 base: …/folkbokforing/folkbokforingsuppgifter-for-offentliga-aktorer/v3 */
  url: string;
  tokenUrl: string;
  scope?: string;
  /** The ordering organisation (10 digits; a dash is removed). */
  organisationsnummer: string;
  bestallningsidentitet: string;
  clientId: string;
  clientSecret: string;
  /** The API gateway's own client id and secret, sent as headers beside the token. */
  gatewayClientId: string;
  gatewayClientSecret: string;
  timeoutMs?: number;
}

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv as never, ['date']);
export const validateNavetRequest = ajv.compile<NavetRequest>(NAVET_REQUEST_SCHEMA);
export const validateNavetAnswer = ajv.compile<NavetAnswer>(NAVET_ANSWER_SCHEMA);

/** Schema errors as paths and rules only: ajv's messages carry no values, so no identity number or address. */
export function schemaProblems(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
    .join('; ');
}

/**
 * Skatteverket's Navet REST v3 `hamta` lookup: one call per at most NAVET_MAX_IDS_PER_CALL ids, a
 * bearer token from the OAuth2 token endpoint (cached until it expires), the gateway's client id
 * and secret, and a fresh skv_client_correlation_id per call. Answers are checked against the v3
 * schema before any field is read. A protected person's address is dropped here, on arrival.
 */
export class NavetClient {
  private readonly token: ClientCredentialsToken;
  private readonly order: NavetRequest['bestallning'];

  constructor(private readonly connection: NavetConnection) {
    this.token = new ClientCredentialsToken(
      {
        tokenUrl: connection.tokenUrl,
        clientId: connection.clientId,
        clientSecret: connection.clientSecret,
        scope: connection.scope,
        timeoutMs: connection.timeoutMs,
      },
      PARTY,
    );
    this.order = {
      organisationsnummer: connection.organisationsnummer.replace(/\D/g, ''),
      bestallningsidentitet: connection.bestallningsidentitet,
    };
  }

  async lookupPeople(ids: string[]): Promise<Map<string, PersonRecord>> {
    const result = new Map<string, PersonRecord>();
    // Navet knows people (12-digit personnummer and samordningsnummer); anything else it cannot know.
    for (const id of ids) if (!PERSON_NUMBER.test(id)) result.set(id, notFound(id));
    const unique = [...new Set(ids.filter((id) => PERSON_NUMBER.test(id)))];
    for (let i = 0; i < unique.length; i += NAVET_MAX_IDS_PER_CALL) {
      const chunk = unique.slice(i, i + NAVET_MAX_IDS_PER_CALL);
      for (const record of await this.hamta(chunk)) result.set(record.identityNumber, record);
    }
    return result;
  }

  private async hamta(ids: string[]): Promise<PersonRecord[]> {
    const request: NavetRequest = { bestallning: this.order, sokvillkor: ids.map((id) => ({ identitetsbeteckning: id })) };
    if (!validateNavetRequest(request)) {
      // Our own order or an id that is not 12 digits: a caller's fault, never worth a retry.
      throw new AdapterConfigurationError(
        `${PARTY}: the request does not match the v3 contract (${schemaProblems(validateNavetRequest.errors)})`,
      );
    }
    const answer = await this.post(request, true);
    if (!validateNavetAnswer(answer)) {
      throw new PermanentAdapterError(`${PARTY} answered outside the v3 contract (${schemaProblems(validateNavetAnswer.errors)})`);
    }
    const asked = new Set(ids);
    const records = new Map<string, PersonRecord>();
    for (const post of answer.personposter) {
      const id = post.identitet.identitetsbeteckning;
      if (!asked.has(id)) throw new PermanentAdapterError(`${PARTY} answered about a person that was not asked for`);
      records.set(id, toPersonRecord(post));
    }
    for (const report of answer.felrapporter ?? []) {
      // A report without an identity is about the order itself (e.g. an unknown bestallningsidentitet).
      if (!report.identitetsbeteckning)
        throw new AdapterConfigurationError(
          `${PARTY} refused the order (orsakskod ${report.orsakskod.slice(0, 50)}): check the order in tenant.yaml`,
        );
    }
    // An id without a person record (a felrapport, or nothing) is one the register does not know.
    return ids.map((id) => records.get(id) ?? notFound(id));
  }

  private async post(request: NavetRequest, retryOn401: boolean): Promise<unknown> {
    const token = await this.token.get();
    const { status, text } = await postBytes(
      new URL(`${this.connection.url.replace(/\/+$/, '')}/hamta`),
      Buffer.from(JSON.stringify(request)),
      {
        'content-type': 'application/json',
        accept: 'application/json',
        authorization: `Bearer ${token}`,
        client_id: this.connection.gatewayClientId,
        client_secret: this.connection.gatewayClientSecret,
        skv_client_correlation_id: randomUUID(),
      },
      { timeoutMs: this.connection.timeoutMs },
      PARTY,
    );
    if (status === 401) {
      // A token revoked early is renewed once; a second 401 is the gateway refusing our client.
      this.token.invalidate();
      if (retryOn401) return this.post(request, false);
      throw new AdapterConfigurationError(
        `${PARTY} refused our credentials (401): check the gateway client id and secret and the OAuth2 client tenant.yaml names`,
      );
    }
    if (status === 403) throw new AdapterConfigurationError(`${PARTY} refused the order (403): the agreement does not cover this lookup`);
    if (status === 429 || status >= 500) throw new TransientAdapterError(`${PARTY} answered ${status}`);
    if (status < 200 || status >= 300) throw new PermanentAdapterError(`${PARTY} refused the request (${status})`);
    try {
      return JSON.parse(text);
    } catch {
      throw new PermanentAdapterError(`${PARTY} answered ${status} with a body that is not JSON`);
    }
  }
}

function notFound(identityNumber: string): PersonRecord {
  return { identityNumber, status: 'NOT_FOUND', protection: 'NONE', name: null, address: null };
}

const DEREGISTRATION: Record<string, PersonRecord['status']> = { AV: 'DECEASED', UV: 'EMIGRATED' };

/** The v3 person record in Kommuna's terms. A protected person's address never leaves this function. */
export function toPersonRecord(post: NavetPersonpost): PersonRecord {
  const protection = post.skyddAvPersonuppgifter.skyddadFolkbokforing
    ? 'SKYDDAD_FOLKBOKFORING'
    : post.skyddAvPersonuppgifter.sekretessmarkering
      ? 'SEKRETESSMARKERING'
      : 'NONE';
  const name = post.namn
    ? // A mellannamn is a second family name, written between the given names and the surname.
      { givenName: post.namn.fornamn || null, familyName: [post.namn.mellannamn, post.namn.efternamn].filter(Boolean).join(' ') }
    : null;
  const status = post.avregistrering ? (DEREGISTRATION[post.avregistrering.avregistreringsorsakKod] ?? 'DEREGISTERED') : 'ACTIVE';
  const where = post.adresser?.folkbokforingsadress;
  const address: PostalAddress | null =
    protection === 'NONE' && where && name
      ? {
          name: [name.givenName, name.familyName].filter(Boolean).join(' '),
          careOf: where.careOf ?? null,
          street: [where.utdelningsadress1, where.utdelningsadress2].filter(Boolean).join(', '),
          postalCode: where.postnummer.replace(/^(\d{3}) ?(\d{2})$/, '$1 $2'),
          city: where.postort,
        }
      : null;
  return { identityNumber: post.identitet.identitetsbeteckning, status, protection, name, address };
}
