import {
  countUnreadThreads,
  findThreadForStaff,
  librariesWithThreads,
  listThreadsForStaff,
  markThreadRead,
  type ThreadDetail,
  type ThreadSummary,
  threadCounts,
} from '../../db/repositories/messages.js';
import { getNetwork } from '../../db/repositories/network.js';
import { listResponseTemplates } from '../../db/repositories/response-templates.js';
import type { StaffActor } from '../../domain/actor.js';
import { overdueCutoff } from '../../domain/decision-rules.js';
import { notFound } from '../../domain/errors.js';
import { isMessageOverdue, type ThreadState } from '../../domain/messages.js';
import { fillSavedReply, isSavedReplyKey, type TemplateKey } from '../../domain/response-templates.js';
import type { Deps } from '../deps.js';
import { replySender } from './thread-words.js';

export const THREADS_PER_PAGE = 30;

export interface Inbox {
  rows: ThreadSummary[];
  total: number;
  page: number;
  pageCount: number;
  counts: Record<ThreadState, number>;
  state: ThreadState | undefined;
  inbox: string | undefined;
  /** Network administrators filter by library (or the support inbox). */
  libraries: Array<{ id: string; name: string }> | null;
  overdueIds: string[];
  isAdmin: boolean;
}

/** The "Messages" inbox of a staff member's scope, one page at a time. */
export async function loadInbox(
  deps: Deps,
  actor: StaffActor,
  filter: { state?: ThreadState; inbox?: string; page: number },
): Promise<Inbox> {
  const isAdmin = actor.role === 'network_admin';
  const inbox = isAdmin ? filter.inbox : undefined;
  const counts = await threadCounts(deps.db, actor.scope, inbox);
  const total = filter.state ? counts[filter.state] : counts.new + counts.answered + counts.closed;
  const pageCount = Math.max(1, Math.ceil(total / THREADS_PER_PAGE));
  const page = Math.min(Math.max(1, Math.floor(filter.page)), pageCount);
  const { rows } = await listThreadsForStaff(deps.db, actor.scope, {
    state: filter.state,
    inbox,
    limit: THREADS_PER_PAGE,
    offset: (page - 1) * THREADS_PER_PAGE,
  });
  const network = await getNetwork(deps.db);
  const cutoff = overdueCutoff(deps.clock.now(), network.settings);
  return {
    rows,
    total,
    page,
    pageCount,
    counts,
    state: filter.state,
    inbox,
    libraries: isAdmin ? await librariesWithThreads(deps.db) : null,
    overdueIds: rows
      .filter((r) => r.kind === 'library' && r.state === 'new' && isMessageOverdue(r.waitingSince, cutoff))
      .map((r) => r.id),
    isAdmin,
  };
}

export interface StaffThread {
  thread: ThreadDetail;
  networkName: string;
  overdue: boolean;
  /** A network administrator on a library's message: may answer once taken over. */
  mayTakeOver: boolean;
  mayReply: boolean;
  /** This opening marked it read (the menu's badge, counted before, goes down by one). */
  markedRead: boolean;
  /** The network's saved replies (response templates of kind 'message'), by title. */
  savedReplies: Array<{ key: TemplateKey; title: string }>;
  /** The saved reply chosen, and its text filled for this thread's signature. */
  chosenReply?: { key: TemplateKey; text: string };
}

/**
 * One thread for a staff member of its scope (another library's: not found). Opening it marks
 * it read for whoever answers it: the library's staff, or the network for support questions
 * and messages it took over. An administrator merely looking leaves the library's badge alone.
 */
export async function openStaffThread(
  deps: Deps,
  actor: StaffActor,
  id: string,
  options: { markRead?: boolean; savedReply?: string } = {},
): Promise<StaffThread> {
  const thread = await findThreadForStaff(deps.db, actor.scope, id);
  if (!thread) throw notFound('Ce message');
  const isAdmin = actor.role === 'network_admin';
  const answers = thread.kind === 'support' ? isAdmin : !isAdmin || Boolean(thread.takenOverAt);
  // A refused reply shows the thread again and writes nothing (it was read to write the reply).
  const markedRead = (options.markRead ?? true) && answers && thread.unread;
  if (markedRead) {
    await markThreadRead(deps.db, actor.scope, id);
    thread.unread = false;
  }
  const [network, templates] = await Promise.all([getNetwork(deps.db), listResponseTemplates(deps.db)]);
  const replies = templates.filter((t) => isSavedReplyKey(t.key));
  const chosen = replies.find((t) => t.key === options.savedReply);
  const overdue =
    thread.kind === 'library' &&
    thread.state === 'new' &&
    isMessageOverdue(thread.waitingSince, overdueCutoff(deps.clock.now(), network.settings));
  return {
    thread,
    networkName: network.name,
    overdue,
    mayTakeOver: isAdmin && thread.kind === 'library' && overdue && !thread.takenOverAt,
    mayReply: answers,
    markedRead,
    savedReplies: replies.map((t) => ({ key: t.key, title: t.subject })),
    ...(chosen && answers
      ? {
          chosenReply: {
            key: chosen.key,
            text: fillSavedReply(chosen.body, {
              networkName: network.name,
              signature: replySender(thread, network.name),
            }),
          },
        }
      : {}),
  };
}

/** The menu badge: unread threads for whoever answers them in the actor's scope. */
export async function unreadMessageCount(deps: Pick<Deps, 'db'>, actor: StaffActor): Promise<number> {
  return countUnreadThreads(deps.db, actor.scope, actor.role === 'network_admin');
}
