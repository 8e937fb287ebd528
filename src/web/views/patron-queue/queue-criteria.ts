import type { Count } from '../../../db/repositories/patron-queue.js';
import type { QueueOrder, QueueSort, QueueStateFilter } from '../../../domain/patron-queue.js';
import type { QueueView } from '../../../usecases/patrons/patron-queue.js';

/** Words and links of "Validation des inscriptions", shared by its form, counts and table. */

export const QUEUE_URL = '/admin/usagers';
export const QUEUE_TITLE = 'Validation des inscriptions';

export const STATE_FILTER_LABELS: Record<QueueStateFilter, string> = {
  a_valider: 'À valider',
  reinscriptions: 'Réinscriptions à valider',
  en_retard: 'En retard',
  attente_confirmation: 'En attente de confirmation',
  actifs: 'Actifs',
  expires: 'Expirés',
  refuses: 'Refusés',
  demandes_expirees: 'Demandes expirées',
  tous: 'Tous les états',
};

/** How a caption or an empty list names the patrons of each state filter. */
export const STATE_FILTER_NOUNS: Record<QueueStateFilter, string> = {
  a_valider: 'demandes à valider',
  reinscriptions: 'réinscriptions à valider',
  en_retard: 'demandes en retard',
  attente_confirmation: 'demandes en attente de confirmation',
  actifs: 'usagers actifs',
  expires: 'abonnements expirés',
  refuses: 'demandes refusées',
  demandes_expirees: 'demandes expirées',
  tous: 'usagers',
};

export const SORT_LABELS: Record<QueueSort, string> = {
  inscription: 'Date d’inscription',
  nom: 'Nom',
  attente: 'Attente',
  fin: 'Date de fin',
};
export const ORDER_LABELS: Record<QueueOrder, string> = {
  croissant: 'Croissant',
  decroissant: 'Décroissant',
};

/** The list's URL for these criteria; defaults are left out so links stay short. */
export function queueHref(view: QueueView, change: Partial<QueueView> = {}): string {
  const v = { ...view, ...change };
  const params = new URLSearchParams();
  if (v.libraryId) params.set('bibliotheque', v.libraryId);
  params.set('etat', v.state);
  if (v.q) params.set('q', v.q);
  params.set('tri', v.sort);
  params.set('ordre', v.order);
  if (v.page > 1) params.set('page', String(v.page));
  return `${QUEUE_URL}?${params.toString()}`;
}

export const numberFmt = new Intl.NumberFormat('fr-FR');

export function countText(c: Count): string {
  return c.exact ? numberFmt.format(c.value) : `plus de ${numberFmt.format(c.value)}`;
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n > 1 ? many : one}`;
}
