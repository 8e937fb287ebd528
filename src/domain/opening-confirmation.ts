import { monthLabel } from './paris-month.js';
import { ofMonth } from './resource-access.js';
import { CATEGORY_NOUNS, type QuotaCategory } from './resources.js';

/**
 * When opening a Forfait document asks first: it would take a unit of the monthly quota and
 * the click came from outside Sésame (another site may not spend a patron's quota by linking
 * to the opening address, which the Lax session cookie follows), or it is the month's last
 * unit. Reopening a document already counted this month takes nothing and never asks.
 */
export function needsOpeningConfirmation(p: {
  /** The click came from outside, or its link asked for a confirmation. */
  asked: boolean;
  used: number;
  limit: number;
  alreadyCounted: boolean;
}): boolean {
  if (p.alreadyCounted || p.used >= p.limit) return false;
  return p.asked || p.used + 1 === p.limit;
}

/** "Ouvrir ce film utilisera 1 de vos 4 films de décembre ; il vous en restera 2." */
export function openingConfirmationMessage(p: {
  category: QuotaCategory;
  used: number;
  limit: number;
  month: string;
}): string {
  const nouns = CATEGORY_NOUNS[p.category];
  const month = ofMonth(monthLabel(p.month));
  const left = p.limit - p.used - 1;
  const what =
    p.limit === 1 ? `votre seul ${nouns.one} ${month}` : `1 de vos ${p.limit} ${nouns.many} ${month}`;
  const after = left === 0 ? `c’est le dernier` : `il vous en restera ${left}`;
  return `Ouvrir ce ${nouns.one} utilisera ${what} ; ${after}.`;
}
