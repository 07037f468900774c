import { appendAuditEntry, auditActor } from '@kommuna/platform-audit';
import type { Principal } from '@kommuna/platform-auth';
import { InboundEventTypes } from '@kommuna/platform-events';
import { Database, rowOf, rowsOf, selectColumns, selectRows } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { parseRuleDefinition } from './definition';
import { RuleEntity, RuleFiringEntity, RuleTaskEntity } from './entities';
import { RuleNotFoundError, RulesForbiddenError } from './errors';

const VERSION = ['id', 'key', 'version', 'definition', 'enabled', 'createdBy', 'createdAt'] as const;
/** One version of a rule, as its admin reads it. */
export type RuleVersion = Pick<RuleEntity, (typeof VERSION)[number]>;

const FIRING = [
  'id',
  'ruleKey',
  'ruleVersion',
  'inboundEventId',
  'eventSource',
  'eventId',
  'eventType',
  'actionKind',
  'outcome',
  'firedAt',
] as const;
/** A rule that fired, as the log shows it. */
export type RuleFiring = Pick<RuleFiringEntity, (typeof FIRING)[number]>;

const TASK = ['id', 'firingId', 'unit', 'title', 'description', 'dueAt', 'status', 'doneBy', 'doneAt', 'createdAt'] as const;
/** A task in a unit's inbox. */
export type RuleTask = Pick<RuleTaskEntity, (typeof TASK)[number]>;

/** Who saves a rule: a tenant admin (staff:<subject>) or a shipped file (file:<path>). */
export type RuleAuthor = { kind: 'staff'; principal: Principal } | { kind: 'file'; path: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** JSON with sorted keys, to see whether a saved definition changes anything. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

const assertAdmin = (principal: Principal): void => {
  if (!principal.roles.includes('tenant_admin')) throw new RulesForbiddenError("A municipality's rules are managed by its tenant admin");
};

/**
 * The addressed municipality's rules (versioned: saving adds a version, a firing names the version
 * that fired), their firing log, and the tasks rules put in units' inboxes. Rules are the tenant
 * admin's; a task is seen and closed only by a case worker of its unit (unit secrecy).
 */
export class RuleBook {
  private readonly types: InboundEventTypes;

  constructor(private readonly database: Database) {
    this.types = new InboundEventTypes(database);
  }

  /** The newest version of every rule. */
  async list(principal: Principal): Promise<RuleVersion[]> {
    assertAdmin(principal);
    return this.database.transaction(async (em) =>
      rowsOf(
        em,
        RuleEntity,
        await em.query(
          `SELECT DISTINCT ON (key) ${selectColumns(em, RuleEntity, { only: VERSION })} FROM rule WHERE tenant_id = $1 ORDER BY key, version DESC`,
          [requestContext.tenantId()],
        ),
        VERSION,
      ),
    );
  }

  /** Every version of one rule, newest first. */
  async versions(principal: Principal, key: string): Promise<RuleVersion[]> {
    assertAdmin(principal);
    const rows = await this.database.transaction((em) =>
      selectRows(em, RuleEntity, VERSION, `FROM rule WHERE tenant_id = $1 AND key = $2 ORDER BY version DESC`, [
        requestContext.tenantId(),
        key,
      ]),
    );
    if (rows.length === 0) throw new RuleNotFoundError(`No rule ${key} in this municipality`);
    return rows;
  }

  /** Saves a rule as its next version (the same definition again changes nothing). */
  async save(principal: Principal, input: unknown): Promise<RuleVersion> {
    assertAdmin(principal);
    return this.saveAs({ kind: 'staff', principal }, input);
  }

  /** Enables or disables a rule: a new version with only that changed. */
  async setEnabled(principal: Principal, key: string, enabled: boolean): Promise<RuleVersion> {
    const [latest] = await this.versions(principal, key);
    return this.saveAs({ kind: 'staff', principal }, { ...latest.definition, key, enabled });
  }

  /**
   * Saves a version for `author`. A shipped file's rule replaces only versions that came from
   * files: once its admin has saved the rule, the file no longer changes it.
   */
  async saveAs(author: RuleAuthor, input: unknown): Promise<RuleVersion> {
    const known = new Set((await this.types.list()).map((t) => t.cloudEventType));
    const definition = parseRuleDefinition(input, known);
    const createdBy = author.kind === 'staff' ? `staff:${author.principal.subject}` : `file:${author.path}`;
    const tenantId = requestContext.tenantId();
    return this.database.transaction(async (em) => {
      // One writer per rule at a time, so two saves do not both take the same next version.
      await em.query(`SELECT pg_advisory_xact_lock(hashtextextended('rule:' || $1 || ':' || $2, 0))`, [tenantId, definition.key]);
      const columns = selectColumns(em, RuleEntity, { only: VERSION });
      const latest = (
        await selectRows(em, RuleEntity, VERSION, `FROM rule WHERE tenant_id = $1 AND key = $2 ORDER BY version DESC LIMIT 1`, [
          tenantId,
          definition.key,
        ])
      ).at(0);
      if (latest && canonical(latest.definition) === canonical(definition)) return latest;
      if (latest && author.kind === 'file' && !latest.createdBy.startsWith('file:')) return latest;
      const inserted = await em.query(
        `INSERT INTO rule (tenant_id, key, version, definition, event_type, enabled, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${columns}`,
        [
          tenantId,
          definition.key,
          (latest?.version ?? 0) + 1,
          JSON.stringify(definition),
          definition.eventType,
          definition.enabled,
          createdBy.slice(0, 300),
        ],
      );
      const [row] = rowsOf(em, RuleEntity, inserted, VERSION);
      await appendAuditEntry(em, {
        actor: author.kind === 'staff' ? auditActor.staff(author.principal.subject) : auditActor.system('rules-startup'),
        action: 'rules.rule.saved',
        targetType: 'rule',
        targetId: row.id,
        details: {
          key: row.key,
          version: row.version,
          eventType: definition.eventType,
          action: definition.action.kind,
          enabled: definition.enabled,
        },
      });
      return row;
    });
  }

  /** The firing log, newest first (optionally of one rule). */
  async firings(principal: Principal, options: { ruleKey?: string; first?: number } = {}): Promise<RuleFiring[]> {
    assertAdmin(principal);
    const first = Math.min(Math.max(options.first ?? 50, 1), 200);
    return this.database.transaction((em) =>
      selectRows(
        em,
        RuleFiringEntity,
        FIRING,
        `FROM rule_firing
            WHERE tenant_id = $1 AND ($2::varchar IS NULL OR rule_key = $2) ORDER BY fired_at DESC, id DESC LIMIT $3`,
        [requestContext.tenantId(), options.ruleKey ?? null, first],
      ),
    );
  }

  /** The open (or all) tasks of the case worker's own unit, oldest first. */
  async tasks(principal: Principal, options: { includeDone?: boolean } = {}): Promise<RuleTask[]> {
    const unit = caseWorkerUnit(principal);
    return this.database.transaction((em) =>
      selectRows(
        em,
        RuleTaskEntity,
        TASK,
        `FROM rule_task
            WHERE tenant_id = $1 AND unit = $2 AND ($3 OR status = 'OPEN') ORDER BY created_at, id LIMIT 500`,
        [requestContext.tenantId(), unit, options.includeDone ?? false],
      ),
    );
  }

  /** Marks a task of the case worker's unit done (another unit's is not found). */
  async completeTask(principal: Principal, id: string): Promise<RuleTask> {
    const unit = caseWorkerUnit(principal);
    if (!UUID.test(id)) throw new RuleNotFoundError(`No task ${id} in your unit's inbox`);
    return this.database.transaction(async (em) => {
      // An UPDATE through TypeORM answers [rows, affected count].
      const [updated] = (await em.query(
        `UPDATE rule_task SET status = 'DONE', done_by = $4, done_at = COALESCE(done_at, now()) WHERE tenant_id = $1 AND id = $2 AND unit = $3
         RETURNING ${selectColumns(em, RuleTaskEntity, { only: TASK })}`,
        [requestContext.tenantId(), id, unit, `staff:${principal.subject}`.slice(0, 200)],
      )) as [Array<Record<string, unknown>>, number];
      const row = rowOf(em, RuleTaskEntity, updated, TASK);
      if (!row) throw new RuleNotFoundError(`No task ${id} in your unit's inbox`);
      await appendAuditEntry(em, {
        actor: auditActor.staff(principal.subject),
        action: 'rules.task.completed',
        targetType: 'rule_task',
        targetId: id,
        details: { unit },
      });
      return row;
    });
  }
}

function caseWorkerUnit(principal: Principal): string {
  if (!principal.roles.includes('case_worker') || !principal.unit)
    throw new RulesForbiddenError("A unit's inbox is read by its case workers (a case worker with a unit)");
  return principal.unit;
}
