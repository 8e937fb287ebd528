import { type OutboxRow, type OutboxStatus, outboxCounts, searchMail } from '../../db/repositories/outbox.js';
import type { Deps } from '../deps.js';

export const MAIL_PAGE_SIZE = 50;

export interface MailListQuery {
  /** Part of the address or the subject; empty: every e-mail. */
  q: string;
  etat?: OutboxStatus;
  page: number;
}

export interface MailList {
  /** Newest first. */
  rows: OutboxRow[];
  /** E-mails matching the search, all pages together. */
  total: number;
  /** The page shown: a page past the end shows the last one. */
  page: number;
  pageCount: number;
  pageSize: number;
  /** Every e-mail of the outbox by state, whatever the search. */
  counts: Record<OutboxStatus, number>;
}

/** "Courriels envoyés": one page of the outbox for a search, and the count of each state. */
export async function listMail(
  deps: Deps,
  query: MailListQuery,
  pageSize = MAIL_PAGE_SIZE,
): Promise<MailList> {
  const search = { query: query.q || undefined, status: query.etat, perPage: pageSize };
  let page = query.page;
  let result = await searchMail(deps.db, { ...search, page });
  const pageCount = Math.max(1, Math.ceil(result.total / pageSize));
  // A page past the end (old bookmark, fewer messages since) shows the last one instead.
  if (page > pageCount) {
    page = pageCount;
    result = await searchMail(deps.db, { ...search, page });
  }
  const counts = await outboxCounts(deps.db);
  return { rows: result.rows, total: result.total, page, pageCount, pageSize, counts };
}
