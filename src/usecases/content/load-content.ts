import type { Executor } from '../../db/client.js';
import {
  type ContentVersion,
  findContentPage,
  listContentPages,
  listContentVersions,
} from '../../db/repositories/content-pages.js';
import { getNetwork } from '../../db/repositories/network.js';
import {
  CONTENT_KEYS,
  CONTENT_PAGES,
  type ContentKey,
  contentVersion,
  defaultContent,
} from '../../domain/content-pages.js';
import type { Deps } from '../deps.js';

export interface ContentPage {
  key: ContentKey;
  title: string;
  url: string;
  staffOnly: boolean;
  body: string;
  /** Null while the page shows its default text. */
  updatedAt: Date | null;
  updatedBy: string | null;
}

/** What the default texts are written from: the network's profile, name and settings. */
export async function defaultContext(db: Executor) {
  const network = await getNetwork(db);
  return { profile: network.profile, networkName: network.name, settings: network.settings };
}

/** The text a page shows: the last one saved, or the profile's default. */
export async function loadContentPage(deps: Deps, key: ContentKey): Promise<ContentPage> {
  const [row, context] = await Promise.all([findContentPage(deps.db, key), defaultContext(deps.db)]);
  return {
    key,
    ...CONTENT_PAGES[key],
    body: row?.body ?? defaultContent(key, context),
    updatedAt: row?.updatedAt ?? null,
    updatedBy: row?.updatedBy ?? null,
  };
}

export async function listContent(deps: Deps): Promise<ContentPage[]> {
  const [rows, context] = await Promise.all([listContentPages(deps.db), defaultContext(deps.db)]);
  const byKey = new Map(rows.map((r) => [r.key, r]));
  return CONTENT_KEYS.map((key) => {
    const row = byKey.get(key);
    return {
      key,
      ...CONTENT_PAGES[key],
      body: row?.body ?? defaultContent(key, context),
      updatedAt: row?.updatedAt ?? null,
      updatedBy: row?.updatedBy ?? null,
    };
  });
}

export interface ContentEditor {
  page: ContentPage;
  versions: ContentVersion[];
  /** The version the form carries, so that a colleague's save meanwhile is not overwritten. */
  version: string;
}

export async function loadContentEditor(deps: Deps, key: ContentKey): Promise<ContentEditor> {
  const [page, versions] = await Promise.all([loadContentPage(deps, key), listContentVersions(deps.db, key)]);
  return { page, versions, version: contentVersion(versions[0]) };
}
