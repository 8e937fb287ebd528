import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { AssetBundle } from './assets.js';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Outside the repository's tracked files (.gitignore), kept between starts. */
const DEFAULT_CACHE = resolve(dirname(fileURLToPath(import.meta.url)), '../../.cache/static');

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Written under a unique name, then renamed: a file half-written is never served. */
async function writeAtomically(path: string, data: Buffer): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

async function compressInto(bundle: AssetBundle, dir: string): Promise<void> {
  await Promise.all(
    bundle.precompress.map(async (file) => {
      const target = join(dir, file);
      if ((await exists(`${target}.br`)) && (await exists(`${target}.gz`))) return;
      const content = await readFile(join(bundle.root, file));
      await mkdir(dirname(target), { recursive: true });
      const [br, gz] = await Promise.all([
        brotli(content, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
          },
        }),
        gzipAsync(content, { level: 9 }),
      ]);
      await writeAtomically(`${target}.br`, br);
      await writeAtomically(`${target}.gz`, gz);
    }),
  );
}

/**
 * Brotli and gzip copies of a bundle's text files, made once per fingerprint (a few seconds the
 * first time, nothing after) in a cache directory laid out like the bundle, which @fastify/static
 * searches before the bundle itself. Returns that directory, or null when no cache directory can
 * be written (a read-only install): the files are then served uncompressed, nothing else changes.
 */
export async function precompressBundle(
  bundle: AssetBundle,
  cacheRoot: string = DEFAULT_CACHE,
): Promise<string | null> {
  for (const root of [cacheRoot, join(tmpdir(), 'sesame-static')]) {
    const dir = join(root, `${bundle.prefix.split('/')[1]}-${bundle.fingerprint}`);
    try {
      await compressInto(bundle, dir);
      return dir;
    } catch {
      // try the next place
    }
  }
  return null;
}
