import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { WEB_CSS } from './css';

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

export interface WebAssets {
  formScript: Asset;
  css: Asset;
  byPath: Map<string, Asset>;
}

/**
 * Builds the browser's files once at start: the form page's script bundled by esbuild from
 * ./client (TypeScript when run from source, the compiled JavaScript from dist/), and the
 * stylesheet. Names carry a content hash, so they are cached for good.
 */
export async function buildAssets(): Promise<WebAssets> {
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
  return { formScript, css, byPath: new Map([formScript, css].map((a) => [a.path, a])) };
}
