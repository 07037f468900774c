import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, grantToAppSql, OWNER_ROLE, tenantIsolationSql } from '@kommuna/platform-persistence';

const TABLES = [
  'mail_message',
  'mail_attachment',
  'mail_delivery',
  'mail_print_batch',
  'mail_print_letter',
  'mail_send_batch',
  'mail_batch_recipient',
  'mail_template',
] as const;

const STATUSES = `'PENDING', 'SENT', 'NOT_SENT', 'FAILED', 'NO_CONTACT_WANTED', 'NO_CONTACT_SETTINGS_FOUND'`;

/**
 * Digital mail: messages, their deliveries (which are also the delivery jobs), print batches,
 * bulk sends and templates, all tenant-owned under row-level security. One SECURITY DEFINER
 * function tells the worker which tenants have due work, as the outbox does, exposing tenant
 * ids only.
 */
export class DigitalMail1764489600000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `CREATE TABLE "mail_attachment" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "message_id" uuid NOT NULL, "position" integer NOT NULL, "filename" character varying(255) NOT NULL, "delivery_mode" character varying(16) NOT NULL, "sha256" character varying(64) NOT NULL, "size_bytes" integer NOT NULL, "content" bytea, CONSTRAINT "PK_7af3a17a8ff4053eb86704142ca" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE INDEX "IDX_mail_attachment_message" ON "mail_attachment"  ("tenant_id", "message_id") `,
      `CREATE TABLE "mail_delivery" ("tenant_id" uuid NOT NULL, "message_id" uuid NOT NULL, "recipient_party_id" uuid NOT NULL, "recipient_number" character varying(12), "status" character varying(32) NOT NULL, "status_detail" text, "channel" character varying(8), "stage" character varying(16) NOT NULL, "mailbox_operator" character varying(100), "operator_transaction_id" character varying(200), "print_batch_id" uuid, "send_batch_id" uuid, "department" character varying(100), "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "claim_id" uuid, "last_error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "completed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_64122e3a391db202d84ca026d91" PRIMARY KEY ("tenant_id", "message_id"))`,
      `CREATE INDEX "IDX_mail_delivery_print_batch" ON "mail_delivery"  ("tenant_id", "print_batch_id") `,
      `CREATE INDEX "IDX_mail_delivery_batch" ON "mail_delivery"  ("tenant_id", "send_batch_id", "status") `,
      `CREATE INDEX "IDX_mail_delivery_due" ON "mail_delivery"  ("tenant_id", "stage", "next_attempt_at") WHERE completed_at IS NULL`,
      `CREATE TABLE "mail_message" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "recipient_party_id" uuid NOT NULL, "recipient_kind" character varying(16) NOT NULL, "subject" character varying(255) NOT NULL, "body" text, "body_format" character varying(8) NOT NULL, "language" character varying(2) NOT NULL DEFAULT 'sv', "support_info" jsonb NOT NULL, "department" character varying(100), "external_references" jsonb NOT NULL DEFAULT '{}', "sent_by" character varying(200) NOT NULL, "sent_by_kind" character varying(8) NOT NULL, "allow_paper" boolean NOT NULL DEFAULT true, "idempotency_key" character varying(200), "payload_hash" character varying(64) NOT NULL, "send_batch_id" uuid, "template_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "content_purged_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_a33b258813c60cf7cdc0b6855d4" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE INDEX "IDX_mail_message_created" ON "mail_message"  ("tenant_id", "created_at") `,
      `CREATE UNIQUE INDEX "UQ_mail_message_idempotency" ON "mail_message"  ("tenant_id", "idempotency_key") WHERE idempotency_key IS NOT NULL`,
      `CREATE TABLE "mail_print_batch" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "send_batch_id" uuid, "status" character varying(16) NOT NULL DEFAULT 'OPEN', "letter_count" integer NOT NULL DEFAULT '0', "location" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "released_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_33690b723af2251f8eabfe24520" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE INDEX "IDX_mail_print_batch_open" ON "mail_print_batch"  ("tenant_id", "send_batch_id") WHERE status = 'OPEN'`,
      `CREATE TABLE "mail_print_letter" ("tenant_id" uuid NOT NULL, "message_id" uuid NOT NULL, "print_batch_id" uuid NOT NULL, "sequence" integer NOT NULL, "page_count" integer NOT NULL, "sha256" character varying(64) NOT NULL, "pdf" bytea, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_63e3d88f906adb3d4405d287261" PRIMARY KEY ("tenant_id", "message_id"))`,
      `CREATE UNIQUE INDEX "IDX_mail_print_letter_batch" ON "mail_print_letter"  ("tenant_id", "print_batch_id", "sequence") `,
      `CREATE TABLE "mail_send_batch" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "template_id" uuid NOT NULL, "language" character varying(2) NOT NULL, "department" character varying(100), "support_info" jsonb NOT NULL, "external_references" jsonb NOT NULL DEFAULT '{}', "allow_paper" boolean NOT NULL DEFAULT true, "sent_by" character varying(200) NOT NULL, "sent_by_kind" character varying(8) NOT NULL, "total" integer NOT NULL, "expanded" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1f09e9cd75ce2e910128e8e751d" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE TABLE "mail_batch_recipient" ("tenant_id" uuid NOT NULL, "send_batch_id" uuid NOT NULL, "row_number" integer NOT NULL, "recipient_number" character varying(12), "recipient_kind" character varying(16) NOT NULL, "values" jsonb NOT NULL DEFAULT '{}', "message_id" uuid, CONSTRAINT "PK_f586aa5bbbceab0a04de5b58a5a" PRIMARY KEY ("tenant_id", "send_batch_id", "row_number"))`,
      `CREATE TABLE "mail_template" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(100) NOT NULL, "version" integer NOT NULL, "subject" jsonb NOT NULL, "body" jsonb NOT NULL, "body_format" character varying(8) NOT NULL, "placeholders" jsonb NOT NULL, "created_by" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_855ca025ab1557c4115765d0f7c" PRIMARY KEY ("tenant_id", "id"))`,
      `CREATE UNIQUE INDEX "UQ_mail_template_version" ON "mail_template"  ("tenant_id", "name", "version") `,

      // Rules the entities cannot state.
      `ALTER TABLE "mail_message" ADD CONSTRAINT "CHK_mail_message_values" CHECK (recipient_kind IN ('person', 'organisation') AND body_format IN ('TEXT', 'HTML') AND language IN ('sv', 'en') AND sent_by_kind IN ('user', 'system') AND length(subject) > 0)`,
      `ALTER TABLE "mail_attachment" ADD CONSTRAINT "CHK_mail_attachment_values" CHECK (delivery_mode IN ('DIGITAL_ONLY', 'PAPER_ONLY', 'EITHER') AND size_bytes >= 0)`,
      `ALTER TABLE "mail_delivery" ADD CONSTRAINT "CHK_mail_delivery_values" CHECK (status IN (${STATUSES}) AND stage IN ('REACHABILITY', 'DIGITAL', 'PAPER', 'PRINT', 'DONE') AND (channel IS NULL OR channel IN ('digital', 'paper')) AND ((stage = 'DONE') = (completed_at IS NOT NULL)) AND (stage = 'DONE' OR status = 'PENDING'))`,
      `ALTER TABLE "mail_print_batch" ADD CONSTRAINT "CHK_mail_print_batch_status" CHECK (status IN ('OPEN', 'CLOSED', 'RELEASED'))`,
      `ALTER TABLE "mail_template" ADD CONSTRAINT "CHK_mail_template_values" CHECK (body_format IN ('TEXT', 'HTML') AND version >= 1)`,
      `ALTER TABLE "mail_send_batch" ADD CONSTRAINT "CHK_mail_send_batch_values" CHECK (total BETWEEN 1 AND 100000 AND expanded BETWEEN 0 AND total)`,

      ...TABLES.flatMap((table) => tenantIsolationSql(table)),
      ...TABLES.filter((t) => t !== 'mail_template').map((table) => grantToAppSql(table, ['SELECT', 'INSERT', 'UPDATE'])),
      // Templates are versioned: rows are added, never changed or removed.
      grantToAppSql('mail_template', ['SELECT', 'INSERT']),

      // The owner (who runs the SECURITY DEFINER function) is bound by FORCE'd RLS too: these
      // policies let it see which tenants have unfinished work, and the function returns
      // nothing of those rows but their tenant ids.
      `CREATE POLICY digital_mail_due_scan ON "mail_delivery" FOR SELECT TO ${OWNER_ROLE} USING (completed_at IS NULL)`,
      `CREATE POLICY digital_mail_due_scan ON "mail_batch_recipient" FOR SELECT TO ${OWNER_ROLE} USING (message_id IS NULL)`,
      `CREATE POLICY digital_mail_due_scan ON "mail_print_batch" FOR SELECT TO ${OWNER_ROLE} USING (status <> 'RELEASED')`,
      `CREATE FUNCTION digital_mail_tenants_with_due_work(at timestamptz) RETURNS SETOF uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
         $$ SELECT tenant_id FROM mail_delivery WHERE completed_at IS NULL AND stage <> 'PRINT' AND next_attempt_at <= at
            UNION SELECT tenant_id FROM mail_batch_recipient WHERE message_id IS NULL
            UNION SELECT tenant_id FROM mail_print_batch WHERE status <> 'RELEASED' $$`,
      `REVOKE ALL ON FUNCTION digital_mail_tenants_with_due_work(timestamptz) FROM PUBLIC`,
      `GRANT EXECUTE ON FUNCTION digital_mail_tenants_with_due_work(timestamptz) TO ${APP_ROLE}`,
    ]) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION digital_mail_tenants_with_due_work(timestamptz)`);
    for (const table of [...TABLES].reverse()) await queryRunner.query(`DROP TABLE "${table}"`);
  }
}
