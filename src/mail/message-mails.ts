import { renderMail } from './layout.js';

/**
 * The e-mails of "Écrire à ma médiathèque" and "Poser une question au support technique".
 * Messages are plain text: they go into the text part as is and are escaped in the HTML part.
 */

/** To the library (or the network for support): a new message waits in the Sésame inbox. */
export function newMessageNoticeMail(p: {
  networkName: string;
  to: string;
  inboxName: string;
  from: string;
  subject: string;
  url: string;
  reply: boolean;
}) {
  return renderMail({
    template: 'message_received',
    to: p.to,
    subject: `${p.reply ? 'Nouvelle réponse' : 'Nouveau message'} : ${p.subject} — ${p.networkName}`,
    networkName: p.networkName,
    greeting: 'Bonjour,',
    paragraphs: [
      p.reply
        ? `${p.from} a répondu dans la conversation « ${p.subject} » (${p.inboxName}).`
        : `${p.from} a écrit à ${p.inboxName} : « ${p.subject} ».`,
      'Pour le lire et répondre, ouvrez la messagerie de Sésame (le message n’est pas recopié ici : il contient des données personnelles).',
    ],
    action: { label: 'Lire le message', url: p.url },
  });
}

/** To the patron or visitor: the staff's reply, and where to follow the conversation. */
export function messageReplyMail(p: {
  networkName: string;
  to: string;
  from: string;
  subject: string;
  reply: string;
  threadUrl: string | null;
  patronId: string | null;
}) {
  const mail = renderMail({
    template: 'message_reply',
    to: p.to,
    subject: `Réponse à votre message : ${p.subject}`,
    networkName: p.networkName,
    greeting: 'Bonjour,',
    paragraphs: [
      `${p.from} a répondu à votre message « ${p.subject} » :`,
      ...p.reply.split(/\n+/).filter((line) => line.trim()),
      p.threadUrl
        ? 'Vous pouvez relire la conversation et y répondre dans « Mon compte », rubrique « Mes messages ».'
        : 'Pour une nouvelle question, utilisez le formulaire « Poser une question au support technique » du site.',
    ],
    ...(p.threadUrl ? { action: { label: 'Voir la conversation', url: p.threadUrl } } : {}),
  });
  return { ...mail, patronId: p.patronId };
}
