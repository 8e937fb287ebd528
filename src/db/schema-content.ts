import { bigserial, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Help and legal pages written by the network administrators in Markdown (FAQ, mode d'emploi,
 * accessibility statement, privacy notice, staff help). A key without a row shows the profile's
 * default text.
 */
export const contentPages = pgTable('content_pages', {
  key: text('key').primaryKey(),
  body: text('body').notNull(),
  updatedAt: ts('updated_at').notNull(),
  updatedBy: text('updated_by').notNull(),
});

/** Every saved text of a page, newest last: the history shown to administrators and restored from. */
export const contentPageVersions = pgTable(
  'content_page_versions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    key: text('key').notNull(),
    body: text('body').notNull(),
    createdAt: ts('created_at').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [index('content_page_versions_key_idx').on(t.key, t.createdAt)],
);
