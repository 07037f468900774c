import { inChunks } from '@kommuna/platform-jobs';
import { Database, rowsOf, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { DigitalMailSettingsSchema } from '../settings';
import { MailMessageEntity } from '../entities/message.entity';

const CHUNK = 1000;

/**
 * Purges message bodies, attachments and printed PDFs once the tenant's retention period has
 * passed since sending; who, when, how and the outcome stay (statistics, audit). Only finished
 * deliveries are purged. A scheduled job of the worker; idempotent, chunked.
 */
export class RetentionPurger {
  constructor(
    private readonly database: Database,
    private readonly tenants: TenantDirectory,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Returns how many messages were purged, per tenant slug. */
  async purgeAll(): Promise<Record<string, number>> {
    const purged: Record<string, number> = {};
    for (const tenant of this.tenants.all()) {
      const entry = tenant.config.services['digital-mail'];
      if (!entry) continue;
      const { retentionDays } = DigitalMailSettingsSchema.parse(entry.settings);
      const cutoff = new Date(this.now().getTime() - retentionDays * 86_400_000);
      purged[tenant.slug] = await requestContext.run(
        { requestId: `retention-${tenant.id}`, tenantId: tenant.id, tenantSlug: tenant.slug },
        () => this.purgeTenant(tenant.id, cutoff),
      );
    }
    return purged;
  }

  private purgeTenant(tenantId: string, cutoff: Date): Promise<number> {
    return inChunks(CHUNK, () =>
      this.database.transaction(async (em) => {
        const ids = rowsOf(
          em,
          MailMessageEntity,
          await em.query(
            `SELECT m.id FROM mail_message m JOIN mail_delivery d ON d.tenant_id = m.tenant_id AND d.message_id = m.id
              WHERE m.tenant_id = $1 AND m.created_at < $2 AND m.content_purged_at IS NULL AND d.completed_at IS NOT NULL
              LIMIT ${CHUNK} FOR UPDATE OF m SKIP LOCKED`,
            [tenantId, cutoff],
          ),
          ['id'],
        ).map((m) => m.id);
        if (ids.length === 0) return 0;
        await em.query(`UPDATE mail_message SET body = NULL, content_purged_at = $3 WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [
          tenantId,
          ids,
          this.now(),
        ]);
        await em.query(`UPDATE mail_attachment SET content = NULL WHERE tenant_id = $1 AND message_id = ANY($2::uuid[])`, [tenantId, ids]);
        await em.query(`UPDATE mail_print_letter SET pdf = NULL WHERE tenant_id = $1 AND message_id = ANY($2::uuid[])`, [tenantId, ids]);
        return ids.length;
      }),
    );
  }
}
