import { appendAuditEntry } from '@kommuna/platform-audit';
import { Database, EntityRowsContext, RawRow, rowsOf, selectColumns, selectRows, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { AiNotFoundError, AiValidationError, ModelNotClearedError } from './errors';
import { AiModelEntity, ModelCapability } from './entities/ai-model.entity';
import { DataClassifications } from './settings';

/** The model's columns the registry shows: all but the municipality (no secret: the credential is a reference). */
const MODEL_FIELDS = [
  'id',
  'name',
  'capability',
  'baseUrl',
  'providerModel',
  'processor',
  'hostingCountry',
  'clearedFor',
  'credentialRef',
  'enabled',
  'createdAt',
  'updatedAt',
] as const;

/** A registered model as the registry shows it (no secret: the credential is a reference). */
export type RegisteredModel = Pick<AiModelEntity, (typeof MODEL_FIELDS)[number]>;

export interface ModelRegistration {
  name: string;
  capability: ModelCapability;
  baseUrl: string;
  providerModel: string;
  processor: string;
  hostingCountry: string;
  clearedFor: string;
  credentialRef?: string | null;
  enabled?: boolean;
}

export type ModelChange = Partial<
  Pick<ModelRegistration, 'baseUrl' | 'providerModel' | 'processor' | 'hostingCountry' | 'clearedFor' | 'credentialRef' | 'enabled'>
>;

/** EU member states and the other EEA countries (Iceland, Liechtenstein, Norway). */
export const EEA_COUNTRIES: ReadonlySet<string> = new Set(
  'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO'.split(' '),
);

const columns = (em: EntityRowsContext) => selectColumns(em, AiModelEntity, { only: MODEL_FIELDS });
const modelsOf = (em: EntityRowsContext, raw: RawRow[]): RegisteredModel[] => rowsOf(em, AiModelEntity, raw, MODEL_FIELDS);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;
const CREDENTIAL_REF = /^env:[A-Z][A-Z0-9_]{0,95}$/;

/**
 * A municipality's model registry: OpenAI-compatible endpoints, each with where it runs, who
 * processes the data and the highest data class it is cleared for. Routing asks it for a model for
 * a class of data; it answers one cleared for it or refuses (no fallback to another class's model).
 */
export class ModelRegistry {
  constructor(
    private readonly database: Database,
    private readonly tenants: TenantDirectory,
  ) {}

  /** The current municipality's classifications (tenant.yaml services.ai.settings, else the defaults). */
  classifications(): DataClassifications {
    const tenantId = requestContext.tenantId();
    const tenant = this.tenants.all().find((t) => t.id === tenantId);
    return DataClassifications.fromSettings(tenant?.config.services.ai?.settings);
  }

  async list(): Promise<RegisteredModel[]> {
    return this.database.transaction((em) =>
      selectRows(em, AiModelEntity, MODEL_FIELDS, `FROM ai_model WHERE tenant_id = $1 ORDER BY name`, [requestContext.tenantId()]),
    );
  }

  async get(id: string): Promise<RegisteredModel> {
    if (!UUID.test(id)) throw new AiNotFoundError('model');
    const [row] = await this.database.transaction((em) =>
      selectRows(em, AiModelEntity, MODEL_FIELDS, `FROM ai_model WHERE tenant_id = $1 AND id = $2`, [requestContext.tenantId(), id]),
    );
    if (!row) throw new AiNotFoundError('model');
    return row;
  }

  async register(input: ModelRegistration, actor: string): Promise<RegisteredModel> {
    const model = this.checked(input);
    if (!NAME.test(input.name ?? '')) {
      throw new AiValidationError('The model name must be lower-case letters, digits, dots, dashes or underscores (at most 100)', [
        { field: 'name', message: 'e.g. kb-whisper-sundsvall' },
      ]);
    }
    if (input.capability !== 'chat' && input.capability !== 'transcription') {
      throw new AiValidationError('capability must be chat or transcription', [{ field: 'capability', message: 'chat or transcription' }]);
    }
    const tenantId = requestContext.tenantId();
    return this.database.transaction(async (em) => {
      const [taken] = await em.query(`SELECT 1 FROM ai_model WHERE tenant_id = $1 AND name = $2`, [tenantId, input.name]);
      if (taken)
        throw new AiValidationError(`The municipality already has a model named ${input.name}`, [
          { field: 'name', message: 'already registered' },
        ]);
      const [row] = modelsOf(
        em,
        await em.query(
          `INSERT INTO ai_model (tenant_id, name, capability, base_url, provider_model, processor, hosting_country, cleared_for, credential_ref, enabled)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${columns(em)}`,
          [
            tenantId,
            input.name,
            input.capability,
            model.baseUrl,
            model.providerModel,
            model.processor,
            model.hostingCountry,
            model.clearedFor,
            model.credentialRef,
            input.enabled ?? true,
          ],
        ),
      );
      await appendAuditEntry(em, {
        actor,
        action: 'ai.model.registered',
        targetType: 'ai_model',
        targetId: row.id,
        details: describe(row),
      });
      return row;
    });
  }

  async update(id: string, change: ModelChange, actor: string): Promise<RegisteredModel> {
    const current = await this.get(id);
    const next = this.checked({ ...current, ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) });
    const enabled = change.enabled ?? current.enabled;
    return this.database.transaction(async (em) => {
      // An UPDATE … RETURNING answers [rows, count] through TypeORM's postgres driver.
      const [updated]: [RawRow[], number] = await em.query(
        `UPDATE ai_model SET base_url = $3, provider_model = $4, processor = $5, hosting_country = $6, cleared_for = $7, credential_ref = $8, enabled = $9, updated_at = now()
          WHERE tenant_id = $1 AND id = $2 RETURNING ${columns(em)}`,
        [
          requestContext.tenantId(),
          id,
          next.baseUrl,
          next.providerModel,
          next.processor,
          next.hostingCountry,
          next.clearedFor,
          next.credentialRef,
          enabled,
        ],
      );
      const [row] = modelsOf(em, updated);
      if (!row) throw new AiNotFoundError('model');
      await appendAuditEntry(em, {
        actor,
        action: 'ai.model.changed',
        targetType: 'ai_model',
        targetId: id,
        details: { before: describe(current), after: describe(row) },
      });
      return row;
    });
  }

  /**
   * The model that may take data of `dataClass` for `capability`: the named one if it is enabled and
   * cleared, else (none named) the enabled model cleared for the class with the lowest sufficient
   * clearance, by name. Otherwise ModelNotClearedError: the data goes nowhere.
   */
  async modelFor(capability: ModelCapability, dataClass: string, modelId?: string | null): Promise<RegisteredModel> {
    const classes = this.classifications();
    if (!classes.has(dataClass)) throw new ModelNotClearedError(dataClass, capability);
    const eligible = (m: RegisteredModel) =>
      m.enabled &&
      m.capability === capability &&
      classes.permits(m.clearedFor, dataClass) &&
      (!classes.needsEea(dataClass) || EEA_COUNTRIES.has(m.hostingCountry));
    if (modelId) {
      const named = await this.get(modelId);
      if (!eligible(named)) throw new ModelNotClearedError(dataClass, capability, named.name);
      return named;
    }
    const candidates = (await this.list())
      .filter(eligible)
      .sort((a, b) => classes.rank(a.clearedFor) - classes.rank(b.clearedFor) || a.name.localeCompare(b.name));
    if (candidates.length === 0) throw new ModelNotClearedError(dataClass, capability);
    return candidates[0];
  }

  /** Validates and normalises the fields every registration and change share. */
  private checked(
    input: Omit<ModelChange, 'enabled'> &
      Pick<ModelRegistration, 'baseUrl' | 'providerModel' | 'processor' | 'hostingCountry' | 'clearedFor'>,
  ) {
    const problems: Array<{ field: string; message: string }> = [];
    const baseUrl = String(input.baseUrl ?? '')
      .trim()
      .replace(/\/+$/, '');
    let url: URL | undefined;
    try {
      url = new URL(baseUrl);
    } catch {
      problems.push({ field: 'baseUrl', message: 'not a URL' });
    }
    if (url && !['http:', 'https:'].includes(url.protocol)) problems.push({ field: 'baseUrl', message: 'http or https only' });
    // A key in the URL would end up in the registry, the audit trail and logs: references only.
    if (url && (url.username || url.password || url.search))
      problems.push({ field: 'baseUrl', message: 'no credentials or query in the URL: give the key by credentialRef' });
    const hostingCountry = String(input.hostingCountry ?? '')
      .trim()
      .toUpperCase();
    if (!/^[A-Z]{2}$/.test(hostingCountry)) problems.push({ field: 'hostingCountry', message: 'an ISO 3166-1 alpha-2 code, e.g. SE' });
    const providerModel = String(input.providerModel ?? '').trim();
    if (!providerModel || providerModel.length > 200) problems.push({ field: 'providerModel', message: '1 to 200 characters' });
    const processor = String(input.processor ?? '').trim();
    if (!processor || processor.length > 200)
      problems.push({ field: 'processor', message: 'who processes the data (1 to 200 characters)' });
    const classes = this.classifications();
    const clearedFor = String(input.clearedFor ?? '');
    if (!classes.has(clearedFor)) problems.push({ field: 'clearedFor', message: `one of ${classes.ordered.join(', ')}` });
    else if (/^[A-Z]{2}$/.test(hostingCountry) && classes.needsEea(clearedFor) && !EEA_COUNTRIES.has(hostingCountry)) {
      problems.push({
        field: 'clearedFor',
        message: `data of class ${clearedFor} may not leave the EU/EEA; the model runs in ${hostingCountry}`,
      });
    }
    const credentialRef = input.credentialRef?.trim() || null;
    if (credentialRef && !CREDENTIAL_REF.test(credentialRef))
      problems.push({ field: 'credentialRef', message: 'a reference env:NAME (the secret stays in the environment)' });
    if (problems.length > 0)
      throw new AiValidationError(`The model is not valid: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, problems);
    return { baseUrl, providerModel, processor, hostingCountry, clearedFor, credentialRef };
  }
}

/** What the audit trail keeps of a model (no secrets: the credential is a reference). */
function describe(m: RegisteredModel): Record<string, unknown> {
  return {
    name: m.name,
    capability: m.capability,
    baseUrl: m.baseUrl,
    providerModel: m.providerModel,
    processor: m.processor,
    hostingCountry: m.hostingCountry,
    clearedFor: m.clearedFor,
    credentialRef: m.credentialRef,
    enabled: m.enabled,
  };
}
