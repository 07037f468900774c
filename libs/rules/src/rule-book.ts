import { appendAuditEntry, auditActor } from '@kommuna/platform-audit';
import type { Principal } from '@kommuna/platform-auth';
import { InboundEventTypes } from '@kommuna/platform-events';
import { Database } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { parseRuleDefinition, RuleDefinition } from './definition';
import { RuleNotFoundError, RulesForbiddenError } from './errors';

/** One version of a rule, as its admin reads it. */
export interface RuleVersion {
  id: string;
  key: string;
  version: number;
  definition: RuleDefinition;
  enabled: boolean;
  createdBy: string;
  createdAt: Date;
}

/** A rule that fired, as the log shows it. */
export interface RuleFiring {
  id: string;
  ruleKey: string;
  ruleVersion: number;
  inboundEventId: string;
  eventSource: string;
  eventId: string;
  eventType: string;
  actionKind: string;
  outcome: Record<string, unknown>;
  firedAt: Date;
}

/** A task in a unit's inbox. */
export interface RuleTask {
  id: string;
  firingId: string;
  unit: string;
  title: { sv: string; en: string };
  description: { sv: string; en: string };
  dueAt: Date | null;
  status: 'OPEN' | 'DONE';
  doneBy: string | null;
  doneAt: Date | null;
  createdAt: Date;
}

/** Who saves a rule: a tenant admin (staff:<subject>) or a shipped file (file:<path>). */
export type RuleAuthor = { kind: 'staff'; principal: Principal } | { kind: 'file'; path: string };

/** A rule row as stored (definition is jsonb, parsed by the driver). */
export interface RuleRow {
  id: string;
  key: string;
  version: number;
  definition: RuleDefinition;
  enabled: boolean;
  created_by: string;
  created_at: Date | string;
}

const RULE_COLUMNS = 'id, key, version, definition, enabled, created_by, created_at';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const toRule = (row: RuleRow): RuleVersion => ({
  id: row.id,
  key: row.key,
  version: row.version,
  definition: row.definition,
  enabled: row.enabled,
  createdBy: row.created_by,
  createdAt: new Date(row.created_at),
});

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
    const rows: RuleRow[] = await this.database.transaction((em) =>
      em.query(`SELECT DISTINCT ON (key) ${RULE_COLUMNS} FROM rule WHERE tenant_id = $1 ORDER BY key, version DESC`, [
        requestContext.tenantId(),
      ]),
    );
    return rows.map(toRule);
  }

  /** Every version of one rule, newest first. */
  async versions(principal: Principal, key: string): Promise<RuleVersion[]> {
    assertAdmin(principal);
    const rows: RuleRow[] = await this.database.transaction((em) =>
      em.query(`SELECT ${RULE_COLUMNS} FROM rule WHERE tenant_id = $1 AND key = $2 ORDER BY version DESC`, [
        requestContext.tenantId(),
        key,
      ]),
    );
    if (rows.length === 0) throw new RuleNotFoundError(`No rule ${key} in this municipality`);
    return rows.map(toRule);
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
      const [latest]: RuleRow[] = await em.query(
        `SELECT ${RULE_COLUMNS} FROM rule WHERE tenant_id = $1 AND key = $2 ORDER BY version DESC LIMIT 1`,
        [tenantId, definition.key],
      );
      if (latest && canonical(latest.definition) === canonical(definition)) return toRule(latest);
      if (latest && author.kind === 'file' && !latest.created_by.startsWith('file:')) return toRule(latest);
      const [row]: RuleRow[] = await em.query(
        `INSERT INTO rule (tenant_id, key, version, definition, event_type, enabled, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${RULE_COLUMNS}`,
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
      return toRule(row);
    });
  }

  /** The firing log, newest first (optionally of one rule). */
  async firings(principal: Principal, options: { ruleKey?: string; first?: number } = {}): Promise<RuleFiring[]> {
    assertAdmin(principal);
    const first = Math.min(Math.max(options.first ?? 50, 1), 200);
    const rows: Array<Record<string, unknown>> = await this.database.transaction((em) =>
      em.query(
        `SELECT id, rule_key, rule_version, inbound_event_id, event_source, event_id, event_type, action_kind, outcome, fired_at FROM rule_firing
          WHERE tenant_id = $1 AND ($2::varchar IS NULL OR rule_key = $2) ORDER BY fired_at DESC, id DESC LIMIT $3`,
        [requestContext.tenantId(), options.ruleKey ?? null, first],
      ),
    );
    return rows.map((r) => ({
      id: r.id as string,
      ruleKey: r.rule_key as string,
      ruleVersion: r.rule_version as number,
      inboundEventId: r.inbound_event_id as string,
      eventSource: r.event_source as string,
      eventId: r.event_id as string,
      eventType: r.event_type as string,
      actionKind: r.action_kind as string,
      outcome: r.outcome as Record<string, unknown>,
      firedAt: new Date(r.fired_at as string),
    }));
  }

  /** The open (or all) tasks of the case worker's own unit, oldest first. */
  async tasks(principal: Principal, options: { includeDone?: boolean } = {}): Promise<RuleTask[]> {
    const unit = caseWorkerUnit(principal);
    const rows: Array<Record<string, unknown>> = await this.database.transaction((em) =>
      em.query(
        `SELECT id, firing_id, unit, title, description, due_at, status, done_by, done_at, created_at FROM rule_task
          WHERE tenant_id = $1 AND unit = $2 AND ($3 OR status = 'OPEN') ORDER BY created_at, id LIMIT 500`,
        [requestContext.tenantId(), unit, options.includeDone ?? false],
      ),
    );
    return rows.map(toTask);
  }

  /** Marks a task of the case worker's unit done (another unit's is not found). */
  async completeTask(principal: Principal, id: string): Promise<RuleTask> {
    const unit = caseWorkerUnit(principal);
    if (!UUID.test(id)) throw new RuleNotFoundError(`No task ${id} in your unit's inbox`);
    return this.database.transaction(async (em) => {
      // An UPDATE through TypeORM answers [rows, affected count].
      const [[row]] = (await em.query(
        `UPDATE rule_task SET status = 'DONE', done_by = $4, done_at = COALESCE(done_at, now()) WHERE tenant_id = $1 AND id = $2 AND unit = $3
         RETURNING id, firing_id, unit, title, description, due_at, status, done_by, done_at, created_at`,
        [requestContext.tenantId(), id, unit, `staff:${principal.subject}`.slice(0, 200)],
      )) as [Array<Record<string, unknown>>, number];
      if (!row) throw new RuleNotFoundError(`No task ${id} in your unit's inbox`);
      await appendAuditEntry(em, {
        actor: auditActor.staff(principal.subject),
        action: 'rules.task.completed',
        targetType: 'rule_task',
        targetId: id,
        details: { unit },
      });
      return toTask(row);
    });
  }
}

function caseWorkerUnit(principal: Principal): string {
  if (!principal.roles.includes('case_worker') || !principal.unit)
    throw new RulesForbiddenError("A unit's inbox is read by its case workers (a case worker with a unit)");
  return principal.unit;
}

function toTask(r: Record<string, unknown>): RuleTask {
  return {
    id: r.id as string,
    firingId: r.firing_id as string,
    unit: r.unit as string,
    title: r.title as RuleTask['title'],
    description: r.description as RuleTask['description'],
    dueAt: r.due_at ? new Date(r.due_at as string) : null,
    status: r.status as RuleTask['status'],
    doneBy: (r.done_by as string | null) ?? null,
    doneAt: r.done_at ? new Date(r.done_at as string) : null,
    createdAt: new Date(r.created_at as string),
  };
}
