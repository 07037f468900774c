import type { EntityManager } from 'typeorm';
import { Database, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { addressedTenant, checkSlug, formatVersion } from '../context';
import { EFormsError } from '../errors';
import { FormRow, repository, VersionRow } from '../repository';
import type { PublishedFormView } from './views';

/** The public face: a municipality's published forms, as anyone may read them. */
export class FormCatalogService {
  constructor(
    private readonly database: Database,
    private readonly tenants: TenantDirectory,
  ) {}

  async listPublished(): Promise<PublishedFormView[]> {
    const tenant = addressedTenant(this.tenants);
    return this.database.transaction(async (em) => {
      const views: PublishedFormView[] = [];
      for (const form of await repository.listForms(em, tenant.id)) {
        const current = await repository.currentPublished(em, tenant.id, form.id);
        if (current) views.push(publishedView(form, current));
      }
      return views;
    });
  }

  async getPublished(slug: string): Promise<PublishedFormView> {
    const tenant = addressedTenant(this.tenants);
    return this.database.transaction(async (em) => {
      const { form, version } = await currentVersionOf(em, tenant, slug);
      return publishedView(form, version);
    });
  }
}

/** The form and the version a citizen answers now; a precise error when there is none. */
export async function currentVersionOf(em: EntityManager, tenant: Tenant, slug: string): Promise<{ form: FormRow; version: VersionRow }> {
  const found = await repository.findFormWithCurrentPublished(em, tenant.id, checkSlug(slug));
  if (!found) throw new EFormsError('FORM_NOT_FOUND', `${tenant.names.en} has no form "${slug}"`);
  const { form, version } = found;
  if (!version) {
    const versions = await repository.listVersions(em, tenant.id, form.id);
    if (versions.some((v) => v.status === 'retired'))
      throw new EFormsError('FORM_VERSION_RETIRED', `The form "${slug}" has been retired and takes no submissions`);
    throw new EFormsError('FORM_NOT_PUBLISHED', `The form "${slug}" is not published yet`);
  }
  return { form, version };
}

export function publishedView(form: FormRow, version: VersionRow): PublishedFormView {
  return {
    slug: form.slug,
    unit: form.unit,
    version: formatVersion(version),
    title: version.definition.title,
    description: version.definition.description ?? null,
    caseType: version.definition.caseType,
    loginRequired: version.definition.loginRequired,
    definition: version.definition,
    publishedAt: version.publishedAt ?? version.createdAt,
  };
}
