import { formatDate } from '../domain/paris.js';
import { renderMail } from './layout.js';

/**
 * E-mails of the decision and escalation features: the patron's answer (the text staff
 * approved), the overdue reminder and warning to a library, the network's daily digest.
 */

/**
 * The answer to a request, as staff wrote it. Each line becomes a paragraph so that lists and
 * short lines keep their shape in the HTML part too; the first one ("Bonjour …") is the greeting.
 */
export function decisionMail(p: {
  networkName: string;
  to: string;
  subject: string;
  body: string;
  template: string;
}) {
  const lines = p.body
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const [greeting = '', ...paragraphs] = lines;
  return renderMail({
    template: p.template,
    to: p.to,
    subject: p.subject,
    networkName: p.networkName,
    greeting,
    paragraphs,
  });
}

export interface RequestLine {
  name: string;
  identifier: string;
  pendingSince: Date;
  url: string;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n > 1 ? many : one}`;
}

/** To the library: requests waiting for its decision beyond the network's delay. */
export function overdueReminderMail(p: {
  networkName: string;
  to: string;
  libraryName: string;
  escalationDays: number;
  requests: RequestLine[];
  queueUrl: string;
}) {
  const one = p.requests.length === 1 ? p.requests[0]! : null;
  const delay = plural(p.escalationDays, 'jour', 'jours');
  return renderMail({
    template: 'overdue_reminder',
    to: p.to,
    subject: one
      ? `Demande en attente depuis plus de ${delay} : ${one.name}`
      : `${p.requests.length} demandes en attente depuis plus de ${delay}`,
    networkName: p.networkName,
    greeting: `Bonjour ${p.libraryName},`,
    paragraphs: [
      one
        ? `La demande d’accès de ${one.name} (identifiant ${one.identifier}), en attente depuis le ${formatDate(one.pendingSince)}, attend votre décision depuis plus de ${delay}.`
        : `${p.requests.length} demandes d’accès attendent votre décision depuis plus de ${delay} :`,
      ...(one
        ? []
        : p.requests.map(
            (r) =>
              `${r.name} (identifiant ${r.identifier}), en attente depuis le ${formatDate(r.pendingSince)} : ${r.url}`,
          )),
      'Vérifiez les deux conditions (adhérent actif de la bibliothèque, date de naissance au moins pour l’année), puis acceptez ou refusez.',
      `Sans décision de votre part, l’administration du réseau ${p.networkName} pourra vous contacter et décider à votre place.`,
    ],
    action: one
      ? { label: 'Ouvrir la demande', url: one.url }
      : { label: 'Voir les demandes à valider', url: p.queueUrl },
  });
}

/** To the library, sent by a network administrator about one late request. */
export function overdueWarningMail(p: {
  networkName: string;
  to: string;
  libraryName: string;
  adminName: string;
  request: RequestLine;
  daysWaiting: number;
}) {
  const r = p.request;
  return renderMail({
    template: 'overdue_warning',
    to: p.to,
    subject: `Demande en retard : ${r.name} attend votre décision`,
    networkName: p.networkName,
    greeting: `Bonjour ${p.libraryName},`,
    paragraphs: [
      `${p.adminName}, de l’administration du réseau ${p.networkName}, vous signale que la demande d’accès de ${r.name} (identifiant ${r.identifier}) attend votre décision depuis ${plural(p.daysWaiting, 'jour', 'jours')} (depuis le ${formatDate(r.pendingSince)}).`,
      'Merci de vérifier les deux conditions (adhérent actif de la bibliothèque, date de naissance au moins pour l’année) et de l’accepter ou de la refuser au plus vite.',
      'Sans décision rapide, l’administration du réseau décidera à votre place.',
    ],
    action: { label: 'Ouvrir la demande', url: r.url },
  });
}

/** To the network: overdue requests per library, once a day when there are some. */
export function overdueDigestMail(p: {
  networkName: string;
  to: string;
  day: Date;
  escalationDays: number;
  libraries: Array<{ name: string; code: string; count: number; oldestDays: number; url: string }>;
  pageUrl: string;
}) {
  const total = p.libraries.reduce((n, l) => n + l.count, 0);
  return renderMail({
    template: 'overdue_digest',
    to: p.to,
    subject: `Demandes en retard au ${formatDate(p.day)} : ${plural(total, 'demande', 'demandes')}, ${plural(p.libraries.length, 'bibliothèque', 'bibliothèques')}`,
    networkName: p.networkName,
    greeting: 'Bonjour,',
    paragraphs: [
      `${plural(total, 'demande attend', 'demandes attendent')} une décision depuis plus de ${plural(p.escalationDays, 'jour', 'jours')} :`,
      ...p.libraries.map(
        (l) =>
          `${l.name} (${l.code}) : ${plural(l.count, 'demande', 'demandes')}, la plus ancienne en attente depuis ${plural(l.oldestDays, 'jour', 'jours')} — ${l.url}`,
      ),
      'Depuis la page « Demandes en retard », vous pouvez avertir chaque bibliothèque ou décider à sa place.',
    ],
    action: { label: 'Voir les demandes en retard', url: p.pageUrl },
  });
}
