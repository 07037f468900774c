import type { EntityManager } from 'typeorm';
import { appendAuditEntry, auditActor } from '@kommuna/platform-audit';
import type { Principal } from '@kommuna/platform-auth';
import { Database, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { addressedTenant, checkSlug, formatVersion, isUniqueViolation, parseVersion, requireRole } from '../context';
import { FormDefinition, validateFormDefinition } from '../definition';
import { EFormsError } from '../errors';
import { FormRow, repository, TemplateRow, VersionRow } from '../repository';
import { eFormsSettings } from '../settings';
import { sequentially, templateView, tenantById, versionView } from './shared';
import type { FormVersionView, FormView, TemplateUpdateView, TemplateView } from './views';

export interface CreateFormInput {
  slug: string;
  unit: string;
  definition: unknown;
  changelog: string;
}

export interface CreateFormVersionInput {
  formSlug: string;
  definition: unknown;
  changelog: string;
  /** A major version for changes that alter what is asked or decided; minor otherwise. */
  major: boolean;
}

export interface AdoptTemplateInput {
  publisher: string;
  templateSlug: string;
  /** The adopting municipality's slug for the form; the template's by default. */
  slug?: string;
  /** The adopting municipality's handling unit; the template's by default. */
  unit?: string;
}

const UNIT = /^[a-z][a-z0-9-]{1,59}$/;
const checkUnit = (unit: string): string => {
  if (!UNIT.test(unit)) throw new EFormsError('VALIDATION_FAILED', `"${unit.slice(0, 80)}" is not a unit name (a-z, 0-9, dashes)`);
  return unit;
};
/**
 * A template's definition as the adopting municipality's form: its errands are numbered with that
 * municipality's own prefix (services.e-forms.settings.errandNumberPrefix), never the publisher's,
 * so no two members hand out the same errand number. Without a prefix there is nothing to number
 * with, and the adoption is refused.
 */
function adoptedDefinition(tenant: Tenant, template: unknown): FormDefinition {
  const prefix = eFormsSettings(tenant).errandNumberPrefix;
  if (!prefix) {
    throw new EFormsError(
      'E_FORMS_SETTINGS_INVALID',
      `${tenant.names.en} has no errand number prefix of its own (services.e-forms.settings.errandNumberPrefix in tenants/${tenant.slug}/tenant.yaml): set one before adopting a template, or its errands would carry the publisher's numbers`,
    );
  }
  return { ...validateFormDefinition(template), errandNumberPrefix: prefix };
}

const checkChangelog = (changelog: string): string => {
  const text = changelog.trim();
  if (text.length < 1 || text.length > 2000) throw new EFormsError('VALIDATION_FAILED', 'The changelog line must be 1-2000 characters');
  return text;
};

/**
 * Tenant admins' work on their municipality's forms: create, version, publish, retire; and the
 * reuse between municipalities: publish a form as a shared template, adopt another's template,
 * see and take its newer versions.
 */
export class FormAdminService {
  constructor(
    private readonly database: Database,
    private readonly tenants: TenantDirectory,
  ) {}

  async listForms(principal: Principal): Promise<FormView[]> {
    const tenant = this.adminTenant(principal);
    return this.database.transaction(async (em) => {
      const forms = await repository.listForms(em, tenant.id);
      return sequentially(forms, (form) => this.formView(em, tenant, form));
    });
  }

  async getForm(principal: Principal, slug: string): Promise<FormView> {
    const tenant = this.adminTenant(principal);
    return this.database.transaction(async (em) => this.formView(em, tenant, await this.requireForm(em, tenant, slug)));
  }

  /** A new form family with its first version (1.0) as a draft. */
  async createForm(principal: Principal, input: CreateFormInput): Promise<FormView> {
    const tenant = this.adminTenant(principal);
    const slug = checkSlug(input.slug);
    const unit = checkUnit(input.unit);
    const changelog = checkChangelog(input.changelog);
    const definition = validateFormDefinition(input.definition);
    try {
      return await this.database.transaction(async (em) => {
        if (await repository.findForm(em, tenant.id, slug)) throw slugTaken(slug);
        const form = await repository.insertForm(em, tenant.id, { slug, unit });
        await repository.insertVersion(em, tenant.id, { formId: form.id, major: 1, minor: 0, changelog, status: 'draft', definition });
        await audit(em, principal, 'eforms.form.created', form.id, { formSlug: slug, unit });
        return this.formView(em, tenant, form);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'UQ_eforms_form_slug')) throw slugTaken(slug);
      throw error;
    }
  }

  /** The next version (major or minor) as a draft; one draft at a time per form. */
  async createFormVersion(principal: Principal, input: CreateFormVersionInput): Promise<FormVersionView> {
    const tenant = this.adminTenant(principal);
    const changelog = checkChangelog(input.changelog);
    const definition = validateFormDefinition(input.definition);
    return this.database.transaction(async (em) => {
      const form = await this.requireForm(em, tenant, input.formSlug);
      const versions = await repository.listVersions(em, tenant.id, form.id);
      const draft = versions.find((v) => v.status === 'draft');
      if (draft)
        throw new EFormsError(
          'FORM_DRAFT_EXISTS',
          `Version ${formatVersion(draft)} of "${form.slug}" is still a draft: change or publish it first`,
        );
      const latest = versions[0];
      const next = input.major ? { major: latest.major + 1, minor: 0 } : { major: latest.major, minor: latest.minor + 1 };
      const created = await repository.insertVersion(em, tenant.id, { formId: form.id, ...next, changelog, status: 'draft', definition });
      await audit(em, principal, 'eforms.form-version.created', created.id, { formSlug: form.slug, version: formatVersion(created) });
      return versionView(em, this.tenants, created);
    });
  }

  /** Changes a draft version; a published or retired version is never edited. */
  async updateFormVersion(
    principal: Principal,
    input: { formSlug: string; version: string; definition?: unknown; changelog?: string },
  ): Promise<FormVersionView> {
    const tenant = this.adminTenant(principal);
    const definition = input.definition === undefined ? undefined : validateFormDefinition(input.definition);
    const changelog = input.changelog === undefined ? undefined : checkChangelog(input.changelog);
    return this.database.transaction(async (em) => {
      const version = await this.requireVersion(em, tenant, input.formSlug, input.version);
      if (version.status !== 'draft') throw immutable(input.formSlug, version);
      await audit(em, principal, 'eforms.form-version.changed', version.id, { formSlug: input.formSlug, version: formatVersion(version) });
      return versionView(em, this.tenants, await repository.updateDraftVersion(em, tenant.id, version.id, { definition, changelog }));
    });
  }

  async publishFormVersion(principal: Principal, formSlug: string, version: string): Promise<FormVersionView> {
    const tenant = this.adminTenant(principal);
    return this.database.transaction(async (em) => {
      const row = await this.requireVersion(em, tenant, formSlug, version);
      if (row.status !== 'draft') throw immutable(formSlug, row);
      // Checked again: the rules for definitions may have tightened since the draft was saved.
      validateFormDefinition(row.definition);
      await audit(em, principal, 'eforms.form-version.published', row.id, { formSlug, version: formatVersion(row) });
      return versionView(em, this.tenants, await repository.setVersionStatus(em, tenant.id, row.id, 'published'));
    });
  }

  /** Takes a published version out of use: no new drafts or submissions answer it. */
  async retireFormVersion(principal: Principal, formSlug: string, version: string): Promise<FormVersionView> {
    const tenant = this.adminTenant(principal);
    return this.database.transaction(async (em) => {
      const row = await this.requireVersion(em, tenant, formSlug, version);
      if (row.status === 'retired') return versionView(em, this.tenants, row);
      if (row.status !== 'published')
        throw new EFormsError('FORM_NOT_PUBLISHED', `Version ${version} of "${formSlug}" is a draft: only a published version is retired`);
      await audit(em, principal, 'eforms.form-version.retired', row.id, { formSlug, version: formatVersion(row) });
      return versionView(em, this.tenants, await repository.setVersionStatus(em, tenant.id, row.id, 'retired'));
    });
  }

  /** Publishes the form's current version as a shared template every member may adopt (idempotent). */
  async publishTemplate(principal: Principal, formSlug: string): Promise<TemplateView> {
    const tenant = this.adminTenant(principal);
    return this.database.transaction(async (em) => {
      const template = await this.publishTemplateIn(em, tenant, formSlug);
      await audit(em, principal, 'eforms.template.published', template.id, {
        formSlug,
        template: template.slug,
        version: formatVersion(template),
      });
      return templateView(this.tenants, template);
    });
  }

  async listTemplates(principal: Principal): Promise<TemplateView[]> {
    this.adminTenant(principal);
    return this.database.transaction(async (em) => (await repository.latestTemplates(em)).map((t) => templateView(this.tenants, t)));
  }

  /** Copies the newest version of another municipality's template into this one's forms, as a draft 1.0. */
  async adoptTemplate(principal: Principal, input: AdoptTemplateInput): Promise<FormView> {
    const tenant = this.adminTenant(principal);
    return this.database.transaction(async (em) => {
      const form = await this.adoptIn(em, tenant, input, 'draft');
      await audit(em, principal, 'eforms.template.adopted', form.id, {
        formSlug: form.slug,
        publisher: input.publisher,
        template: input.templateSlug,
      });
      return this.formView(em, tenant, form);
    });
  }

  /** The adopted forms and whether their template has a newer version than the one they copy. */
  async templateUpdates(principal: Principal): Promise<TemplateUpdateView[]> {
    const tenant = this.adminTenant(principal);
    return this.database.transaction(async (em) => {
      const updates: TemplateUpdateView[] = [];
      for (const form of await repository.listForms(em, tenant.id)) {
        const state = await this.templateState(em, tenant, form);
        if (state) updates.push(state.view);
      }
      return updates;
    });
  }

  /** A new draft version of an adopted form from its template's newest version. */
  async updateFromTemplate(principal: Principal, formSlug: string): Promise<FormVersionView> {
    const tenant = this.adminTenant(principal);
    return this.database.transaction(async (em) => {
      const form = await this.requireForm(em, tenant, formSlug);
      const state = await this.templateState(em, tenant, form);
      if (!state) throw new EFormsError('VALIDATION_FAILED', `"${formSlug}" was not adopted from a template`);
      if (!state.view.newerVersionAvailable)
        throw new EFormsError(
          'VALIDATION_FAILED',
          `"${formSlug}" already copies the newest template version (${state.view.latestVersion})`,
        );
      const versions = await repository.listVersions(em, tenant.id, form.id);
      const draft = versions.find((v) => v.status === 'draft');
      if (draft)
        throw new EFormsError('FORM_DRAFT_EXISTS', `Version ${formatVersion(draft)} of "${form.slug}" is still a draft: publish it first`);
      const latest = versions[0];
      const major = state.latest.major > state.adopted.major;
      const next = major ? { major: latest.major + 1, minor: 0 } : { major: latest.major, minor: latest.minor + 1 };
      const definition = adoptedDefinition(tenant, state.latest.definition);
      const changelog = `Från mallen ${state.view.publisher}/${state.latest.slug} ${state.view.latestVersion}: ${state.latest.changelog}`;
      const created = await repository.insertVersion(em, tenant.id, {
        formId: form.id,
        ...next,
        changelog,
        status: 'draft',
        definition,
        templateId: state.latest.id,
      });
      await audit(em, principal, 'eforms.form-version.created', created.id, {
        formSlug,
        version: formatVersion(created),
        fromTemplate: state.latest.id,
      });
      return versionView(em, this.tenants, created);
    });
  }

  // --- used by the start-up loader as well ---

  async publishTemplateIn(em: EntityManager, tenant: Tenant, formSlug: string): Promise<TemplateRow> {
    const form = await this.requireForm(em, tenant, formSlug);
    const current = await repository.currentPublished(em, tenant.id, form.id);
    if (!current) throw new EFormsError('FORM_NOT_PUBLISHED', `"${formSlug}" has no published version to share`);
    return repository.insertTemplate(em, tenant.id, {
      slug: form.slug,
      major: current.major,
      minor: current.minor,
      unit: form.unit,
      changelog: current.changelog,
      definition: current.definition,
    });
  }

  async adoptIn(em: EntityManager, tenant: Tenant, input: AdoptTemplateInput, status: 'draft' | 'published'): Promise<FormRow> {
    const publisher = this.tenants.get(checkSlug(input.publisher, 'municipality'));
    if (publisher.id === tenant.id)
      throw new EFormsError('VALIDATION_FAILED', 'A municipality does not adopt its own template: it already has the form');
    const [template] = await repository.latestTemplates(em, {
      publisherTenantId: publisher.id,
      slug: checkSlug(input.templateSlug, 'template slug'),
    });
    if (!template) throw new EFormsError('TEMPLATE_NOT_FOUND', `${publisher.names.en} has published no template "${input.templateSlug}"`);
    const slug = checkSlug(input.slug ?? template.slug);
    if (await repository.findForm(em, tenant.id, slug)) throw slugTaken(slug);
    const definition = adoptedDefinition(tenant, template.definition);
    const form = await repository.insertForm(em, tenant.id, {
      slug,
      unit: checkUnit(input.unit ?? template.unit),
      templatePublisherTenantId: publisher.id,
      templateSlug: template.slug,
    });
    await repository.insertVersion(em, tenant.id, {
      formId: form.id,
      major: 1,
      minor: 0,
      changelog: `Antagen från mallen ${publisher.slug}/${template.slug} ${formatVersion(template)}`,
      status,
      definition,
      templateId: template.id,
    });
    return form;
  }

  private async templateState(em: EntityManager, tenant: Tenant, form: FormRow) {
    if (!form.templatePublisherTenantId || !form.templateSlug) return undefined;
    const versions = await repository.listVersions(em, tenant.id, form.id);
    const copied = versions.find((v) => v.templateId);
    const adopted = copied?.templateId ? await repository.findTemplateById(em, copied.templateId) : undefined;
    const [latest] = await repository.latestTemplates(em, { publisherTenantId: form.templatePublisherTenantId, slug: form.templateSlug });
    if (!adopted || !latest) return undefined;
    const newer = latest.major > adopted.major || (latest.major === adopted.major && latest.minor > adopted.minor);
    const view: TemplateUpdateView = {
      formSlug: form.slug,
      publisher: tenantById(this.tenants, latest.publisherTenantId)?.slug ?? latest.publisherTenantId,
      templateSlug: latest.slug,
      adoptedVersion: formatVersion(adopted),
      latestVersion: formatVersion(latest),
      newerVersionAvailable: newer,
    };
    return { view, adopted, latest };
  }

  private async formView(em: EntityManager, tenant: Tenant, form: FormRow): Promise<FormView> {
    const versions = await repository.listVersions(em, tenant.id, form.id);
    const current = versions.find((v) => v.status === 'published');
    const publisher = form.templatePublisherTenantId ? tenantById(this.tenants, form.templatePublisherTenantId) : undefined;
    return {
      id: form.id,
      slug: form.slug,
      unit: form.unit,
      currentVersion: current ? formatVersion(current) : null,
      adoptedFrom: form.templateSlug
        ? { publisher: publisher?.slug ?? String(form.templatePublisherTenantId), slug: form.templateSlug }
        : null,
      versions: await sequentially(versions, (v) => versionView(em, this.tenants, v)),
    };
  }

  private adminTenant(principal: Principal): Tenant {
    requireRole(principal, 'tenant_admin');
    return addressedTenant(this.tenants);
  }

  private async requireForm(em: EntityManager, tenant: Tenant, slug: string): Promise<FormRow> {
    const form = await repository.findForm(em, tenant.id, checkSlug(slug));
    if (!form) throw new EFormsError('FORM_NOT_FOUND', `${tenant.names.en} has no form "${slug}"`);
    return form;
  }

  private async requireVersion(em: EntityManager, tenant: Tenant, slug: string, version: string): Promise<VersionRow> {
    const form = await this.requireForm(em, tenant, slug);
    const row = await repository.findVersion(em, tenant.id, form.id, parseVersion(version));
    if (!row) throw new EFormsError('FORM_VERSION_NOT_FOUND', `"${slug}" has no version ${version}`);
    return row;
  }
}

const slugTaken = (slug: string) => new EFormsError('FORM_SLUG_TAKEN', `A form "${slug}" already exists in this municipality`);
const immutable = (slug: string, v: VersionRow) =>
  new EFormsError(
    'FORM_VERSION_IMMUTABLE',
    `Version ${formatVersion(v)} of "${slug}" is ${v.status} and can no longer be changed: create a new version`,
  );

/** Every administrative change is in the municipality's audit trail, written in the change's transaction. */
function audit(em: EntityManager, principal: Principal, action: string, targetId: string, details: Record<string, unknown>) {
  return appendAuditEntry(em, {
    actor: auditActor.staff(principal.subject),
    action,
    targetType: action.split('.')[1].replace('-', '_'),
    targetId,
    details,
  });
}
