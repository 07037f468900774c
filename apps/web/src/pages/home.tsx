import { Lang, t } from '../i18n';
import type { WebTenant } from '../tenants';
import type { Page } from './layout';

/** The web's address without a municipality: each member's own address. */
export function chooseMunicipalityPage(lang: Lang, tenants: Array<{ tenant: WebTenant; url: string }>): Page {
  return {
    title: t(lang, 'chooseMunicipality'),
    body: (
      <>
        <h1>{t(lang, 'chooseMunicipality')}</h1>
        <p className="lead">{t(lang, 'chooseMunicipalityText')}</p>
        <ul className="cards">
          {tenants.map(({ tenant, url }) => (
            <li key={tenant.slug} className="card">
              <a href={url}>{tenant.names[lang]}</a>
            </li>
          ))}
        </ul>
      </>
    ),
  };
}
