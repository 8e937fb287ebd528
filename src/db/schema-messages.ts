import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { libraries, patrons, staff } from './schema.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const THREAD_KINDS = ['library', 'support'] as const;
export const THREAD_STATES = ['new', 'answered', 'closed'] as const;

/**
 * A conversation: "Écrire à ma médiathèque" (kind library, to the patron's home library) or
 * "Poser une question au support technique" (kind support, to the network). Plain text only.
 * Personal data: deleted with the patron's erasure and by the retention sweep.
 */
export const messageThreads = pgTable(
  'message_threads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: THREAD_KINDS }).notNull(),
    /** The library that answers (kind library); null for the network's support inbox. */
    libraryId: uuid('library_id').references(() => libraries.id),
    /** The patron who wrote, when logged in; null for a visitor (answered by e-mail only). */
    patronId: uuid('patron_id').references(() => patrons.id, { onDelete: 'cascade' }),
    /** Where replies are e-mailed (the account's address when logged in). */
    email: text('email').notNull(),
    subject: text('subject').notNull(),
    state: text('state', { enum: THREAD_STATES }).notNull(),
    /** A message from the patron or visitor that no staff member has opened yet (menu badge). */
    unread: boolean('unread').notNull().default(true),
    /** Since when the latest unanswered message waits (the escalation delay counts from it). */
    waitingSince: ts('waiting_since'),
    takenOverAt: ts('taken_over_at'),
    takenOverById: uuid('taken_over_by_id').references(() => staff.id, { onDelete: 'set null' }),
    takenOverByLabel: text('taken_over_by_label'),
    createdAt: ts('created_at').notNull(),
    lastMessageAt: ts('last_message_at').notNull(),
  },
  (t) => [
    index('message_threads_inbox_idx').on(t.kind, t.libraryId, t.state, t.lastMessageAt),
    index('message_threads_patron_idx').on(t.patronId, t.lastMessageAt),
    index('message_threads_email_idx').on(sql`lower(${t.email})`),
    index('message_threads_waiting_idx').on(t.waitingSince).where(sql`state = 'new'`),
    index('message_threads_unread_idx').on(t.kind, t.libraryId).where(sql`unread`),
  ],
);

/** One message of a thread, written by the patron or visitor, or by a staff member. */
export const threadMessages = pgTable(
  'thread_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    threadId: uuid('thread_id')
      .notNull()
      .references(() => messageThreads.id, { onDelete: 'cascade' }),
    authorKind: text('author_kind', { enum: ['patron', 'visitor', 'staff'] }).notNull(),
    authorStaffId: uuid('author_staff_id').references(() => staff.id, { onDelete: 'set null' }),
    /** Staff: their name, shown to colleagues only; the patron reads the library's name. */
    authorLabel: text('author_label').notNull(),
    body: text('body').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    index('thread_messages_thread_idx').on(t.threadId, t.createdAt),
    index('thread_messages_recent_idx').on(t.createdAt).where(sql`author_kind <> 'staff'`),
  ],
);
