import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { WEB_CSS } from './css';
import type { WebTenant } from './tenants';

/** A file the web serves under /assets/, with its compressed forms. */
export interface Asset {
  path: string;
  type: string;
  body: Buffer;
  gzip: Buffer;
  brotli: Buffer;
}

function asset(name: string, extension: string, type: string, body: Buffer): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return {
    path: `/assets/${name}.${hash}.${extension}`,
    type,
    body,
    gzip: gzipSync(body, { level: 9 }),
    brotli: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
  };
}

/** A municipality's look: a stylesheet after the web's own (its colour) and its logo, as asset paths. */
export interface TenantTheme {
  stylesheet?: string;
  logo?: string;
}

export interface WebAssets {
  formScript: Asset;
  css: Asset;
  /** By municipality (slug), for those whose tenant.yaml gives a look. */
  themes: Map<string, TenantTheme>;
  byPath: Map<string, Asset>;
}

/** The stylesheet of a municipality's colour: the header and links take it (tenancy checked its contrast against white). */
export const themeCss = (primaryColor: string) => `:root { --brand: ${primaryColor}; }\n`;

/**
 * Builds the browser's files once at start: the form page's script bundled by esbuild from
 * ./client (TypeScript when run from source, the compiled JavaScript from dist/), and the
 * stylesheet, and each municipality's colour and logo. Names carry a content hash, so they are cached for good.
 */
export async function buildAssets(tenants: WebTenant[] = []): Promise<WebAssets> {
  const entry = path.join(__dirname, 'client', `form-page${path.extname(__filename)}`);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    platform: 'browser',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const formScript = asset('form-page', 'js', 'text/javascript; charset=utf-8', Buffer.from(result.outputFiles[0].contents));
  const css = asset('web', 'css', 'text/css; charset=utf-8', Buffer.from(WEB_CSS));
  const all = [formScript, css];
  const themes = new Map<string, TenantTheme>();
  for (const tenant of tenants) {
    const { primaryColor, logoFile } = tenant.look ?? {};
    const theme: TenantTheme = {};
    if (primaryColor) {
      const sheet = asset(`theme-${tenant.slug}`, 'css', 'text/css; charset=utf-8', Buffer.from(themeCss(primaryColor)));
      all.push(sheet);
      theme.stylesheet = sheet.path;
    }
    if (logoFile) {
      const svg = logoFile.endsWith('.svg');
      const logo = asset(`logo-${tenant.slug}`, svg ? 'svg' : 'png', svg ? 'image/svg+xml' : 'image/png', fs.readFileSync(logoFile));
      all.push(logo);
      theme.logo = logo.path;
    }
    if (theme.stylesheet || theme.logo) themes.set(tenant.slug, theme);
  }
  return { formScript, css, themes, byPath: new Map(all.map((a) => [a.path, a])) };
}
