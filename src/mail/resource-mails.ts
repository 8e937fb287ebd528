import { formatDate } from '../domain/paris.js';
import { frenchFirstOf, monthLabel, nextPeriodStart } from '../domain/paris-month.js';
import type { CapLevel } from '../domain/resource-access.js';
import type { CapPeriod } from '../domain/resources.js';
import { renderMail } from './layout.js';

/** E-mails of the limits that warn: network caps of resources and the licence pool. */

const numberFormat = new Intl.NumberFormat('fr-FR');

/** To the network: a capped resource reached an alert level (80 %, 95 %, 100 % by default). */
export function capAlertMail(p: {
  networkName: string;
  to: string;
  resourceName: string;
  level: CapLevel;
  percent: number;
  used: number;
  limit: number;
  period: CapPeriod;
  periodKey: string;
  now: Date;
  resourceUrl: string;
}) {
  const span = p.period === 'month' ? monthLabel(p.periodKey, true) : p.periodKey;
  const reopening = frenchFirstOf(nextPeriodStart(p.period, p.now), p.now);
  const usage = `${numberFormat.format(p.used)} consultations sur ${numberFormat.format(p.limit)} achetées pour ${span}`;
  const full = p.level === 'full';
  return renderMail({
    template: `cap_alert_${p.level}`,
    to: p.to,
    subject: full
      ? `Plafond atteint : « ${p.resourceName} » rouvrira ${reopening}`
      : `Plafond réseau : ${p.percent} % de « ${p.resourceName} » utilisés pour ${span}`,
    networkName: p.networkName,
    greeting: 'Bonjour,',
    paragraphs: full
      ? [
          `La ressource « ${p.resourceName} » a atteint son plafond : ${usage}.`,
          `Les usagers qui veulent l’ouvrir voient désormais qu’elle rouvrira ${reopening}. Pour la rouvrir plus tôt, augmentez son plafond dans le catalogue.`,
        ]
      : [
          `La ressource « ${p.resourceName} » a atteint ${p.percent} % de son plafond : ${usage}.`,
          `Quand le plafond sera atteint, elle sera fermée aux usagers jusqu’à sa réouverture ${reopening}. Si le réseau a acheté davantage de consultations, augmentez son plafond dans le catalogue.`,
        ],
    action: { label: 'Voir la ressource', url: p.resourceUrl },
  });
}

/** To the network: the licence pool is full and a library tried to accept a patron. */
export function licencePoolFullMail(p: {
  networkName: string;
  to: string;
  pool: number;
  used: number;
  now: Date;
  dashboardUrl: string;
}) {
  return renderMail({
    template: 'licence_pool_full',
    to: p.to,
    subject: `Licences épuisées : ${numberFormat.format(p.used)} comptes sur ${numberFormat.format(p.pool)}`,
    networkName: p.networkName,
    greeting: 'Bonjour,',
    paragraphs: [
      `Le ${formatDate(p.now)}, une bibliothèque a voulu valider une inscription, mais les ${numberFormat.format(p.pool)} comptes usagers achetés pour l’année sont tous utilisés (${numberFormat.format(p.used)} comptes actifs).`,
      'Les demandes restent en attente : aucune n’est refusée. Augmentez le nombre de licences dans les paramètres du réseau dès que de nouveaux comptes sont achetés, puis prévenez les bibliothèques.',
    ],
    action: { label: 'Voir le tableau de bord', url: p.dashboardUrl },
  });
}

/** To the network, once a day: the licence pool passed its warning threshold (90 % by default). */
export function licencePoolWarningMail(p: {
  networkName: string;
  to: string;
  pool: number;
  used: number;
  percent: number;
  dashboardUrl: string;
}) {
  return renderMail({
    template: 'licence_pool_warning',
    to: p.to,
    subject: `Licences : ${p.percent} % des comptes achetés sont utilisés`,
    networkName: p.networkName,
    greeting: 'Bonjour,',
    paragraphs: [
      `${numberFormat.format(p.used)} comptes usagers sur les ${numberFormat.format(p.pool)} achetés pour l’année sont utilisés (${p.percent} %). Il en reste ${numberFormat.format(Math.max(0, p.pool - p.used))}.`,
      'Quand toutes les licences seront utilisées, les bibliothèques ne pourront plus valider de nouvelles inscriptions : les demandes resteront en attente.',
    ],
    action: { label: 'Voir le tableau de bord', url: p.dashboardUrl },
  });
}
