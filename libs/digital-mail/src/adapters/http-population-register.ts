import { paperAddressOf, ProtectedLetterRouting } from '../content/recipient';
import type { DigitalMailSettings } from '../settings';
import type { HttpPartyOptions } from './http-json';
import { NavetClient, NavetConnection } from './navet/navet-client';
import { AdapterConfigurationError, PaperAddress, PersonRecord, PopulationRegister } from './types';

/** Where Navet v3 is served, below the gateway's address (as the simulator serves it too). */
export const NAVET_V3_PATH = '/folkbokforing/folkbokforingsuppgifter-for-offentliga-aktorer/v3';
/** The simulator's token endpoint (apps/digital-mail-simulator/src/navet.ts). */
export const NAVET_SIMULATOR_TOKEN_PATH = '/skatteverket/oauth2/token';

/**
 * The simulator's test order and clients, which the simulator registers from here: used only
 * when tenant.yaml names no population register, i.e. in development.
 */
export const NAVET_SIMULATOR_CLIENT = {
  organisationsnummer: '2021004748',
  bestallningsidentitet: 'kommuna-utveckling',
  clientId: 'kommuna-dev',
  clientSecret: 'kommuna-dev-secret',
  gatewayClientId: 'kommuna-dev-gateway',
  gatewayClientSecret: 'kommuna-dev-gateway-secret',
} as const;

/** The Navet connection to the simulator at `simulatorUrl`. */
export function navetSimulatorConnection(simulatorUrl: string): NavetConnection {
  const base = simulatorUrl.replace(/\/+$/, '');
  return { ...NAVET_SIMULATOR_CLIENT, url: `${base}${NAVET_V3_PATH}`, tokenUrl: `${base}${NAVET_SIMULATOR_TOKEN_PATH}` };
}

type PopulationRegisterEndpoint = NonNullable<DigitalMailSettings['endpoints']['populationRegister']>;

/**
 * The Navet connection tenant.yaml describes, its secrets read from the environment variables it
 * names. A missing variable is a configuration error that names the variable, never a value.
 */
export function navetConnectionOf(endpoint: PopulationRegisterEndpoint, env: NodeJS.ProcessEnv = process.env): NavetConnection {
  const read = (name: string): string => {
    const value = env[name];
    if (!value)
      throw new AdapterConfigurationError(
        `Population register (Navet): the environment variable ${name} that tenant.yaml names is not set`,
      );
    return value;
  };
  const { credentials } = endpoint;
  return {
    url: endpoint.url,
    tokenUrl: endpoint.tokenUrl,
    scope: endpoint.scope,
    organisationsnummer: endpoint.organisationsnummer,
    bestallningsidentitet: endpoint.bestallningsidentitet,
    clientId: read(credentials.clientIdEnv),
    clientSecret: read(credentials.clientSecretEnv),
    gatewayClientId: read(credentials.gatewayClientIdEnv),
    gatewayClientSecret: read(credentials.gatewayClientSecretEnv),
  };
}

export interface PopulationRegisterOptions extends HttpPartyOptions {
  /** The Navet order and credentials (read on first use); the simulator's at baseUrl when absent. */
  navet?: () => NavetConnection;
  /** Paper letters to protected identities; held when absent. */
  routing?: ProtectedLetterRouting;
}

/**
 * The population register over Navet REST v3 (or the simulator, which speaks the same), and the
 * tenant's rule for paper addresses: what digital mail's paper path and form prefill use.
 */
export class HttpPopulationRegister implements PopulationRegister {
  private client: NavetClient | undefined;
  private readonly routing: ProtectedLetterRouting;

  constructor(private readonly options: PopulationRegisterOptions) {
    this.routing = options.routing ?? { protectedIdentityLetters: 'hold' };
  }

  async lookupPeople(ids: string[]): Promise<Map<string, PersonRecord>> {
    // Made on first use, inside a lookup: a missing secret fails the lookup (a clear status), not the worker's round.
    this.client ??= new NavetClient({
      ...(this.options.navet ? this.options.navet() : navetSimulatorConnection(this.options.baseUrl)),
      timeoutMs: this.options.timeoutMs,
    });
    return this.client.lookupPeople(ids);
  }

  async lookupAddresses(ids: string[]): Promise<Map<string, PaperAddress>> {
    const people = await this.lookupPeople(ids.filter(isPersonNumber));
    return new Map(ids.map((id) => [id, isPersonNumber(id) ? paperAddressOf(people.get(id), this.routing) : { withheld: NOT_A_PERSON }]));
  }
}

/** Recipients are stored as 12 digits (a person) or NNNNNN-NNNN (an organisation; content/recipient.ts). */
const isPersonNumber = (id: string): boolean => /^\d{12}$/.test(id);

/** Organisations' addresses are in Bolagsverket's and SCB's registers, which Kommuna does not read yet. */
const NOT_A_PERSON =
  'The population register (Navet) holds people, not organisations: no postal address for an organisation; no paper letter was sent';

/** The paper routing a tenant's settings give. */
export function protectedLetterRoutingOf(settings: DigitalMailSettings): ProtectedLetterRouting {
  return settings.protectedIdentityLetters === 'via-skatteverket-forwarding' && settings.skatteverketForwardingAddress
    ? { protectedIdentityLetters: 'via-skatteverket-forwarding', skatteverketForwardingAddress: settings.skatteverketForwardingAddress }
    : { protectedIdentityLetters: 'hold' };
}
