import type { NetworkSettings, ProfileName } from './settings.js';

/** Help and legal pages the network administrators write in Markdown. */
export const CONTENT_KEYS = [
  'faq',
  'mode-d-emploi',
  'accessibilite',
  'donnees-personnelles',
  'mentions-legales',
  'faq-bibliotheques',
  'boite-a-idees',
] as const;
export type ContentKey = (typeof CONTENT_KEYS)[number];

export interface ContentPageInfo {
  title: string;
  /** Where the page is read. */
  url: string;
  /** Only staff may read it. */
  staffOnly: boolean;
}

export const CONTENT_PAGES: Record<ContentKey, ContentPageInfo> = {
  faq: { title: 'Questions fréquentes', url: '/aide/faq', staffOnly: false },
  'mode-d-emploi': { title: 'Mode d’emploi', url: '/aide/mode-d-emploi', staffOnly: false },
  accessibilite: { title: 'Déclaration d’accessibilité', url: '/accessibilite', staffOnly: false },
  'donnees-personnelles': { title: 'Données personnelles', url: '/donnees-personnelles', staffOnly: false },
  'mentions-legales': { title: 'Mentions légales', url: '/mentions-legales', staffOnly: false },
  'faq-bibliotheques': { title: 'Aide pour les bibliothèques', url: '/admin/aide', staffOnly: true },
  'boite-a-idees': { title: 'Boîte à idées numériques', url: '/admin/aide/idees', staffOnly: true },
};

export function isContentKey(key: string): key is ContentKey {
  return (CONTENT_KEYS as readonly string[]).includes(key);
}

export const CONTENT_MAX = 50_000;

/** French message for a text that cannot be saved, or null. */
export function contentError(body: string): string | null {
  if (!body.trim()) return 'Saisissez le texte de la page.';
  if (body.length > CONTENT_MAX)
    return `Le texte dépasse ${CONTENT_MAX.toLocaleString('fr-FR')} caractères : raccourcissez-le.`;
  return null;
}

/** Version of a page as its edit form carries it: its newest saved version's id, or "" for the default text. */
export function contentVersion(newest: { id: number } | null | undefined): string {
  return newest ? String(newest.id) : '';
}

/**
 * What a colleague changed between two texts, line by line (blank lines ignored): the lines
 * only in the newer text, and the lines only in the older one, in their order.
 */
export function changedLines(before: string, after: string): { added: string[]; removed: string[] } {
  const lines = (s: string) =>
    s
      .split('\n')
      .map((l) => l.trimEnd())
      .filter((l) => l.trim() !== '');
  const minus = (a: string[], b: string[]) => {
    const left = new Map<string, number>();
    for (const l of b) left.set(l, (left.get(l) ?? 0) + 1);
    return a.filter((l) => {
      const n = left.get(l) ?? 0;
      if (n === 0) return true;
      left.set(l, n - 1);
      return false;
    });
  };
  const [b, a] = [lines(before), lines(after)];
  return { added: minus(a, b), removed: minus(b, a) };
}

export interface DefaultContext {
  profile: ProfileName;
  networkName: string;
  settings: Pick<
    NetworkSettings,
    'retentionDays' | 'confirmationDays' | 'temporaryAccountDays' | 'onlineRenewal'
  >;
}

const faq = ({
  settings,
  networkName,
}: DefaultContext) => `Vous ne trouvez pas votre réponse ? Lisez le [mode d’emploi](/aide/mode-d-emploi) ou [posez votre question au support technique](/aide/contact).

## S’inscrire

### Qui peut utiliser ${networkName} ?

Toute personne adhérente de l’une des bibliothèques du réseau. ${networkName} est un service supplémentaire de votre bibliothèque : il ne la remplace pas. Si vous n’êtes pas encore inscrit à la bibliothèque, commencez par là.

### Je n’ai pas reçu le courriel de confirmation

Vérifiez votre dossier de courriers indésirables. Le lien de confirmation reste valable quelques jours ; passé ce délai, refaites une demande d’inscription.

### Combien de temps faut-il pour que mon inscription soit validée ?

Votre bibliothèque vérifie que vous êtes un emprunteur actif et votre date de naissance, puis valide votre inscription. En attendant, votre compte temporaire donne déjà accès aux contenus en **Accès libre**.

## Mon compte

### J’ai oublié mon mot de passe

Sur la page de connexion, utilisez le lien « Mot de passe oublié » : un lien pour choisir un nouveau mot de passe vous est envoyé par courriel.

### Comment changer mon adresse électronique ?

Depuis « Mon compte », rubrique « Paramètres du compte ».

### Comment ${settings.onlineRenewal ? 'renouveler mon abonnement' : 'renouveler mon inscription'} ?

${settings.onlineRenewal ? 'Un courriel vous prévient avant la fin de votre abonnement : demandez le renouvellement depuis « Mon compte ».' : 'Le renouvellement se fait à la bibliothèque : à la fin de votre abonnement, présentez-vous à votre bibliothèque pour vous réinscrire.'}

## Les ressources

### Qu’est-ce que le Forfait ?

Les films, livres numériques, BD et la presse sont soumis à des quotas mensuels, remis à zéro le 1er de chaque mois. Rouvrir le même document dans le mois ne le compte pas deux fois.

### Un document ne s’ouvre pas

Fermez puis rouvrez la ressource depuis la page « Ressources ». Si le problème continue, [écrivez au support technique](/aide/contact) en précisant la ressource et le message affiché.
`;

const faqLibraries = ({ networkName }: DefaultContext) => `## Assistance

### Les bibliothèques bénéficient-elles d’une assistance technique spécifique ?

Oui : les référents informatique et multimédia sont à l’écoute des bibliothèques. L’équipe du réseau répond aussi par messagerie à [support-reseau@exemple.fr](mailto:support-reseau@exemple.fr) ou par téléphone au 01 23 45 67 89.

Comme pour tout utilisateur, un incident technique peut être signalé au support par [le formulaire de contact](/aide/contact).

### De quelle aide dispose le public ?

Le [mode d’emploi](/aide/mode-d-emploi) et la [foire aux questions](/aide/faq). Un usager peut aussi écrire à sa médiathèque depuis « Mon compte ».

## Inscriptions

### Y a-t-il une limite au nombre d’inscriptions à ${networkName} ?

Le réseau a acquis un volume de comptes pour l’ensemble des bibliothèques ; il est ajusté en cours d’année pour satisfaire toutes les demandes. Si des blocages survenaient, signalez-les à l’équipe du réseau.

### Que faire si une personne se présente à la bibliothèque et demande seulement à être inscrite à ${networkName} ?

Il faut d’abord que la personne s’inscrive à la bibliothèque. ${networkName} est un service supplémentaire qui complète l’action de la bibliothèque : profitez de cette demande pour présenter ses services. Mais la bibliothèque ne peut en aucun cas refuser une inscription à ${networkName} à partir du moment où le demandeur s’est précédemment inscrit à la bibliothèque, qu’il utilise ses services ou pas.

## Ressources

### Comment fonctionne le Prêt numérique en bibliothèque (PNB) ?

Les livres numériques PNB sont prêtés pour une durée limitée, puis rendus automatiquement. L’usager les lit dans une application de lecture compatible ; une aide pas à pas est donnée par le fournisseur au moment du prêt.

### Les bibliothèques disposent-elles de statistiques ?

Oui : la page « Statistiques » donne les inscriptions et les consultations de vos adhérents, par mois.
`;

const ideas = ({
  networkName,
}: DefaultContext) => `Des idées pour présenter et faire connaître ${networkName} à vos publics. Partagez les vôtres avec l’équipe du réseau : elles rejoindront cette page.

## Dans la bibliothèque

- Affichez les couvertures des nouveautés numériques à côté des documents imprimés du même thème.
- Proposez l’inscription à ${networkName} au moment de l’inscription ou du réabonnement à la bibliothèque.
- Glissez un marque-page avec l’adresse du service dans les documents prêtés.

## Animations

- Organisez un atelier « Découvrir la médiathèque numérique » avec tablettes et liseuses.
- Montrez la presse en ligne lors d’un café-lecture.
- Associez un film de l’espace vidéo à une projection ou à un club de lecture.

## En ligne

- Ajoutez un lien vers ${networkName} sur le site et les réseaux sociaux de la bibliothèque.
- Relayez chaque mois une sélection de ressources.
`;

const guide = (c: DefaultContext) => `## 1. Demander votre accès

Vous devez être adhérent de l’une des bibliothèques du réseau. Remplissez le formulaire « S’inscrire » (nom, prénom, date de naissance, numéro de carte si vous l’avez, bibliothèque, adresse électronique, identifiant et mot de passe), ou demandez à votre bibliothèque de vous inscrire.

Vous recevez un courriel : cliquez sur le lien qu’il contient pour confirmer votre adresse. Sans confirmation, la demande est abandonnée après ${c.settings.confirmationDays} jours.

## 2. La validation par votre bibliothèque

Une fois votre adresse confirmée, votre compte est temporaire : les contenus en Accès libre sont déjà ouverts. Votre bibliothèque vérifie que vous êtes un emprunteur actif et votre date de naissance, puis valide votre inscription ; vous en êtes averti par courriel.

## 3. Consulter les ressources

Connectez-vous avec votre identifiant (ou votre adresse électronique) et votre mot de passe, puis ouvrez « Ressources ». Les ressources libres sont ouvertes à tous ; l’Accès libre est illimité ; le Forfait (films, livres numériques, BD, presse) compte chaque mois un nombre de documents par catégorie, remis à zéro le 1er du mois. Rouvrir le même document dans le mois ne le compte pas deux fois.

Avant d’utiliser le dernier document du mois, ou quand vous arrivez d’un autre site, Sésame vous demande de confirmer.

## 4. Mon compte

« Mon compte » montre l’état de votre abonnement, vos consultations du mois, vos messages, et permet de changer d’adresse électronique ou de mot de passe, de télécharger vos données ou de supprimer votre compte.

Mot de passe oublié ? Utilisez le lien « Mot de passe oublié » de la page de connexion : un lien pour en choisir un nouveau vous est envoyé.

## 5. Renouveler votre abonnement

${c.settings.onlineRenewal ? 'L’abonnement dure un an. Un courriel vous prévient avant son terme : demandez le renouvellement depuis « Mon compte ».' : 'L’abonnement dure un an. Un courriel vous prévient avant son terme : pour le renouveler, présentez-vous à votre bibliothèque.'}
`;

const accessibility = () => `## État de conformité

Ce service vise la conformité au référentiel général d’amélioration de l’accessibilité (RGAA 4.1) et aux règles WCAG 2.1 niveau AA. Il est **partiellement conforme** : l’audit complet n’a pas encore été réalisé.

Chaque page est vérifiée automatiquement à chaque version, et toutes les fonctions sont utilisables au clavier et sans JavaScript.

## Contenus non accessibles

Les ressources ouvertes chez les fournisseurs (films, livres numériques, presse) relèvent de leurs propres déclarations d’accessibilité.

## Retour d’information et contact

Si vous n’arrivez pas à accéder à un contenu ou à un service, contactez votre bibliothèque ou l’administration du réseau ([formulaire de contact](/aide/contact)) pour être orienté vers une alternative accessible.

## Voies de recours

Si vous constatez un défaut d’accessibilité vous empêchant d’accéder à un contenu et que vous n’obtenez pas de réponse satisfaisante, vous pouvez saisir le Défenseur des droits.
`;

const privacy = (c: DefaultContext) => `## Données collectées

Pour vous inscrire, nous collectons vos nom, prénom, date de naissance, adresse électronique, identifiant et bibliothèque de proximité. Votre date de naissance sert uniquement à déterminer les contenus consultables.

## Durée de conservation

- Une demande non confirmée est supprimée à l’expiration du lien de confirmation (${c.settings.confirmationDays} jours).
- Un compte temporaire dure au plus ${c.settings.temporaryAccountDays} jours sans validation par votre bibliothèque.
- Les données d’un abonnement non renouvelé sont conservées ${c.settings.retentionDays} jours après sa fin, puis anonymisées : seules des statistiques sans lien avec vous sont gardées.

## Vos droits

Vous pouvez consulter, télécharger, corriger ou supprimer vos données depuis votre compte ou en vous adressant à votre bibliothèque, conformément au règlement général sur la protection des données (RGPD).
`;

const legal = (c: DefaultContext) => `## Éditeur

${c.profile === 'numos' ? `${c.networkName}, une initiative du Département de la Moselle, est édité par le Département pour le réseau des bibliothèques de Moselle.` : `${c.networkName} est édité par la Médiathèque départementale pour le réseau des bibliothèques qu’elle dessert.`} Les coordonnées de l’éditeur sont celles de l’administration du réseau, indiquées en bas de chaque page.

## Hébergement

Les données sont hébergées en France, sur les serveurs choisis par l’éditeur du service.

## Contenus

Les films, livres numériques, BD et titres de presse sont proposés par leurs fournisseurs, selon leurs propres conditions d’utilisation.

## Données personnelles et accessibilité

Voir la page [Données personnelles](/donnees-personnelles) et la [déclaration d’accessibilité](/accessibilite).
`;

const DEFAULTS: Record<ContentKey, (c: DefaultContext) => string> = {
  faq,
  'mode-d-emploi': guide,
  accessibilite: accessibility,
  'donnees-personnelles': privacy,
  'mentions-legales': legal,
  'faq-bibliotheques': faqLibraries,
  'boite-a-idees': ideas,
};

/** The text a page shows until an administrator writes one, from the network's profile and settings. */
export function defaultContent(key: ContentKey, context: DefaultContext): string {
  return DEFAULTS[key](context);
}
