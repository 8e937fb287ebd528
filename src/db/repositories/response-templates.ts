import { eq } from 'drizzle-orm';
import {
  DEFAULT_TEMPLATES,
  OFFERED_TEMPLATE_KEYS,
  type ResponseTemplate,
  type TemplateKey,
} from '../../domain/response-templates.js';
import type { Executor } from '../client.js';
import { responseTemplates } from '../schema.js';

/** A template as the network uses it: the built-in text unless an administrator changed it. */
export interface StoredTemplate extends ResponseTemplate {
  customised: boolean;
  updatedAt: Date | null;
  updatedBy: string | null;
}

function merge(key: TemplateKey, row: typeof responseTemplates.$inferSelect | undefined): StoredTemplate {
  const base = DEFAULT_TEMPLATES[key];
  return row
    ? {
        key,
        ...base,
        subject: row.subject,
        body: row.body,
        customised: true,
        updatedAt: row.updatedAt,
        updatedBy: row.updatedBy,
      }
    : { key, ...base, customised: false, updatedAt: null, updatedBy: null };
}

/** Every offered template, in the order of DEFAULT_TEMPLATES; rows for other keys are ignored. */
export async function listResponseTemplates(db: Executor): Promise<StoredTemplate[]> {
  const rows = await db.select().from(responseTemplates);
  const byKey = new Map(rows.map((r) => [r.key, r]));
  return OFFERED_TEMPLATE_KEYS.map((key) => merge(key, byKey.get(key)));
}

export async function templatesByKey(db: Executor): Promise<Record<TemplateKey, StoredTemplate>> {
  const list = await listResponseTemplates(db);
  return Object.fromEntries(list.map((t) => [t.key, t])) as Record<TemplateKey, StoredTemplate>;
}

export async function findResponseTemplate(db: Executor, key: TemplateKey): Promise<StoredTemplate> {
  const [row] = await db.select().from(responseTemplates).where(eq(responseTemplates.key, key));
  return merge(key, row);
}

/** Stores the network's own wording of a template (insert or replace). */
export async function saveResponseTemplate(
  db: Executor,
  key: TemplateKey,
  text: { subject: string; body: string },
  now: Date,
  by: string,
): Promise<void> {
  await db
    .insert(responseTemplates)
    .values({ key, subject: text.subject, body: text.body, updatedAt: now, updatedBy: by })
    .onConflictDoUpdate({
      target: responseTemplates.key,
      set: { subject: text.subject, body: text.body, updatedAt: now, updatedBy: by },
    });
}

/** Back to the built-in text; false when it was not customised. */
export async function resetResponseTemplate(db: Executor, key: TemplateKey): Promise<boolean> {
  const rows = await db
    .delete(responseTemplates)
    .where(eq(responseTemplates.key, key))
    .returning({ key: responseTemplates.key });
  return rows.length > 0;
}
