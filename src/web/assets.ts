import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The static files pages load, under URLs that change when their content changes: browsers and
 * proxies may then keep them a year without asking again (`immutable`), and a new release is
 * fetched at once because its URLs are new. The fingerprint is a directory in the path, not a
 * query string, so that the DSFR stylesheet's relative URLs (fonts/…, icons/…) resolve under the
 * same fingerprint and are cached as long.
 */

const here = dirname(fileURLToPath(import.meta.url));

export interface AssetBundle {
  /** Where the files are on disk. */
  root: string;
  /** URL prefix, fingerprint included, ending with a slash. */
  prefix: string;
  fingerprint: string;
  /** Files worth compressing ahead of time (text the pages load), relative to root. */
  precompress: string[];
}

export const DSFR_DIST = join(here, '../../node_modules/@gouvfr/dsfr/dist');
const OWN_STATIC = join(here, 'static');

/** The DSFR files a page loads; everything else under the prefix is reached from them. */
const DSFR_ENTRIES = [
  'dsfr.min.css',
  'utility/icons/icons.min.css',
  'dsfr.module.min.js',
  'favicon/favicon.svg',
];

/**
 * Hash of the files' names and contents. For the DSFR, hashing its 86 MB at every start would be
 * slow: its entry files and its version stand for the rest (fonts and icons only change with a
 * release, which changes the stylesheet too).
 */
function fingerprintOf(root: string, files: string[], extra = ''): string {
  const hash = createHash('sha256').update(extra);
  for (const file of files)
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(root, file)));
  return hash.digest('hex').slice(0, 12);
}

function bundle(
  name: string,
  root: string,
  hashed: string[],
  precompress: string[],
  extra = '',
): AssetBundle {
  const fingerprint = fingerprintOf(root, hashed, extra);
  return { root, fingerprint, prefix: `/${name}/${fingerprint}/`, precompress };
}

const dsfrVersion = (
  JSON.parse(readFileSync(join(DSFR_DIST, '../package.json'), 'utf8')) as { version: string }
).version;
const ownFiles = readdirSync(OWN_STATIC).sort();

export const DSFR = bundle('dsfr', DSFR_DIST, DSFR_ENTRIES, DSFR_ENTRIES, dsfrVersion);
export const OWN = bundle('static', OWN_STATIC, ownFiles, ownFiles);

/** The URLs the layout and views write into pages. */
export const ASSETS = {
  dsfrCss: `${DSFR.prefix}dsfr.min.css`,
  iconsCss: `${DSFR.prefix}utility/icons/icons.min.css`,
  dsfrJs: `${DSFR.prefix}dsfr.module.min.js`,
  favicon: `${DSFR.prefix}favicon/favicon.svg`,
  sesameCss: `${OWN.prefix}sesame.css`,
  decisionJs: `${OWN.prefix}decision.js`,
  comboboxJs: `${OWN.prefix}combobox.js`,
  noScriptCss: `${OWN.prefix}no-script.css`,
} as const;
