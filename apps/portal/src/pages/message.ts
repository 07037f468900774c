import { Html, html } from '../html';
import { Lang, t, TextKey } from '../i18n';

/** A short page: logged out, not allowed, not found, an error. */
export function messagePage(lang: Lang, titleKey: TextKey, textKey: TextKey | undefined, extra?: Html): { title: string; body: Html } {
  return {
    title: t(lang, titleKey),
    body: html`<h1>${t(lang, titleKey)}</h1>${textKey ? html`<p>${t(lang, textKey)}</p>` : ''}${extra ?? ''}`,
  };
}
