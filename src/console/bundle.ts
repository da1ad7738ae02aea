// The console's browser code: TypeScript modules under ./ui/, bundled by
// esbuild into one ES module when the console first serves it (tens of
// milliseconds), kept in memory for the life of the process. No dev server
// and no build folder: what runs is always the source of this checkout.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

export interface ConsoleAsset {
  readonly body: Buffer;
  readonly contentType: string;
  /** Strong validator: SHA-256 of the body. */
  readonly etag: string;
}

export interface ConsoleBundle {
  readonly 'console.js': ConsoleAsset;
  readonly 'console.css': ConsoleAsset;
  readonly 'icon.svg': ConsoleAsset;
}

const UI = join(import.meta.dirname, 'ui');

function asset(body: Buffer | string, contentType: string): ConsoleAsset {
  const b = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  return { body: b, contentType, etag: `"${createHash('sha256').update(b).digest('base64url').slice(0, 27)}"` };
}

export async function bundleConsole(): Promise<ConsoleBundle> {
  const out = await build({
    entryPoints: [join(UI, 'main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    minify: true,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const js = out.outputFiles[0];
  if (js === undefined) throw new Error('esbuild produced no console bundle');
  return {
    'console.js': asset(Buffer.from(js.contents), 'text/javascript; charset=utf-8'),
    'console.css': asset(readFileSync(join(UI, 'console.css')), 'text/css; charset=utf-8'),
    'icon.svg': asset(readFileSync(join(UI, 'icon.svg')), 'image/svg+xml'),
  };
}
