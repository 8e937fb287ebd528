import { randomBytes, randomUUID } from 'node:crypto';
import {
  insertResource,
  listResources,
  type NewResource,
  updateResource,
} from '../../db/repositories/resources.js';
import type { ConnectorConfig, ResourceDocument } from '../../domain/resources.js';
import type { Deps } from '../deps.js';

/**
 * A made-up catalog for the demo: every kind, category and audience, all served by the
 * built-in demonstration provider (/fournisseur-demo), one of them through the Médiathèque
 * Numérique link format. No real provider or title.
 */

type DemoResource = Omit<NewResource, 'connectorConfig' | 'createdAt' | 'updatedAt' | 'connector'> & {
  connector?: 'signed_link' | 'mn_sso';
  fields?: ConnectorConfig['fields'];
  documents: ResourceDocument[];
};

const DEMO_RESOURCES: DemoResource[] = [
  {
    name: 'Contes du domaine public',
    provider: 'Bibliothèque libre des Tilleuls',
    description: 'Contes et récits anciens, libres de droits, à lire en ligne.',
    kind: 'open',
    underTwelve: true,
    documents: [
      { id: 'conte-renard', title: 'Le Renard et la Lanterne' },
      { id: 'conte-meunier', title: 'Le Meunier des trois vents' },
    ],
  },
  {
    name: 'Langues au quotidien',
    provider: 'Atelier des langues (démonstration)',
    description: 'Cours d’autoformation en langues, ouverts à tous.',
    kind: 'open',
    documents: [
      { id: 'anglais-a1', title: 'Anglais — premiers pas' },
      { id: 'allemand-a1', title: 'Allemand — premiers pas' },
    ],
  },
  {
    name: 'Savoir-faire en vidéo',
    provider: 'Tutos & Cie (démonstration)',
    description: 'Vidéos d’autoformation : bureautique, cuisine, jardinage. Sans limite pour les inscrits.',
    kind: 'unlimited',
    capPeriod: 'month',
    capLimit: 2000,
    documents: [
      { id: 'tableur-debuter', title: 'Débuter avec un tableur' },
      { id: 'potager-balcon', title: 'Un potager sur le balcon' },
    ],
  },
  {
    name: 'Histoires animées',
    provider: 'Petites Lanternes (démonstration)',
    description: 'Histoires lues et animées pour les enfants.',
    kind: 'unlimited',
    underTwelve: true,
    documents: [
      { id: 'hibou-lune', title: 'Le Hibou qui voulait la lune' },
      { id: 'chaussette', title: 'La Chaussette voyageuse' },
    ],
  },
  {
    name: 'Cinéma à la demande',
    provider: 'Ciné-Démo',
    description: 'Films de fiction et documentaires en streaming.',
    kind: 'quota',
    category: 'films',
    capPeriod: 'month',
    capLimit: 500,
    documents: [
      { id: 'phare-brumes', title: 'Le Phare des brumes' },
      { id: 'dunes-argent', title: 'Les Dunes d’argent' },
      { id: 'train-nuit', title: 'Le Train de nuit' },
      { id: 'verger', title: 'Le Verger' },
      { id: 'cartographe', title: 'La Cartographe' },
    ],
  },
  {
    name: 'Frissons (films)',
    provider: 'Ciné-Démo',
    description: 'Thrillers et films d’épouvante.',
    kind: 'quota',
    category: 'films',
    audience: '16',
    documents: [
      { id: 'cave-muette', title: 'La Cave muette' },
      { id: 'dernier-ferry', title: 'Le Dernier Ferry' },
    ],
  },
  {
    name: 'Dessins animés en famille',
    provider: 'Ciné-Démo',
    description: 'Films d’animation pour les plus jeunes.',
    kind: 'quota',
    category: 'films',
    underTwelve: true,
    documents: [{ id: 'baleine-bleue', title: 'La Petite Baleine bleue' }],
  },
  {
    name: 'Livres numériques',
    provider: 'Prêt numérique (démonstration)',
    description: 'Romans et essais à emprunter. Lien au format Médiathèque Numérique.',
    kind: 'quota',
    category: 'books',
    connector: 'mn_sso',
    fields: ['prenom'],
    documents: [
      { id: 'roman-estuaire', title: 'L’Estuaire' },
      { id: 'essai-forets', title: 'Petite histoire des forêts' },
    ],
  },
  {
    name: 'BD en ligne',
    provider: 'Bulles (démonstration)',
    description: 'Bandes dessinées et mangas.',
    kind: 'quota',
    category: 'books',
    documents: [
      { id: 'bd-capitaine', title: 'Capitaine Myrtille, tome 1' },
      { id: 'bd-robots', title: 'Les Robots du potager' },
    ],
  },
  {
    name: 'Kiosque magazines',
    provider: 'Kiosque (démonstration)',
    description: 'Magazines d’actualité, de loisirs et de sciences.',
    kind: 'quota',
    category: 'magazines',
    documents: [
      { id: 'mag-sciences', title: 'Sciences pour tous — numéro de novembre' },
      { id: 'mag-jardin', title: 'Jardins d’ici — numéro d’automne' },
    ],
  },
  {
    name: 'Presse quotidienne',
    provider: 'Kiosque (démonstration)',
    description: 'Quotidiens nationaux et régionaux.',
    kind: 'quota',
    category: 'newspapers',
    capPeriod: 'year',
    capLimit: 50_000,
    documents: [
      { id: 'quotidien-est', title: 'Le Quotidien de l’Est' },
      { id: 'journal-vallee', title: 'Le Journal de la vallée' },
    ],
  },
];

/** Seeds the demo catalog once (does nothing if the catalog has any resource). */
export async function seedDemoResources(deps: Deps): Promise<number> {
  if ((await listResources(deps.db)).length > 0) return 0;
  const now = deps.clock.now();
  const base = deps.baseUrl.replace(/\/+$/, '');
  for (const r of DEMO_RESOURCES) {
    const { fields, connector = 'signed_link', ...values } = r;
    const id = randomUUID();
    const secret = randomBytes(24).toString('base64url');
    const connectorConfig: ConnectorConfig =
      connector === 'mn_sso'
        ? {
            urlTemplate: `${base}/fournisseur-demo/{resource}/{document}`,
            loginUrl: `${base}/fournisseur-demo/sso_login`,
            ssoId: id,
            secret,
            fields: fields ?? [],
            demo: true,
          }
        : {
            urlTemplate: `${base}/fournisseur-demo/{resource}/{document}`,
            secret,
            linkMinutes: 5,
            demo: true,
          };
    await insertResource(deps.db, {
      ...values,
      id,
      category: values.kind === 'quota' ? values.category : null,
      connector,
      connectorConfig,
      createdAt: now,
      updatedAt: now,
    });
  }
  return DEMO_RESOURCES.length;
}

/** The Sésame address a demo resource was seeded with: all before the provider's path. */
const SEEDED_BASE = /^.*?(?=\/fournisseur-demo\/)/;

/**
 * The demo provider is served by Sésame itself, so its resources follow BASE_URL: a start on
 * another port or address (PORT=4000 npm start after a first start on 3000) moves their
 * links to it, instead of sending patrons to an address where nothing answers. Returns how
 * many resources were moved; run at every start.
 */
export async function rebaseDemoResources(deps: Pick<Deps, 'db' | 'clock' | 'baseUrl'>): Promise<number> {
  const base = deps.baseUrl.replace(/\/+$/, '');
  let moved = 0;
  for (const r of await listResources(deps.db)) {
    const config = r.connectorConfig;
    if (!config.demo) continue;
    const rebase = (url: string | undefined) => url?.replace(SEEDED_BASE, base);
    const next: ConnectorConfig = {
      ...config,
      urlTemplate: rebase(config.urlTemplate)!,
      ...(config.loginUrl ? { loginUrl: rebase(config.loginUrl) } : {}),
    };
    if (next.urlTemplate === config.urlTemplate && next.loginUrl === config.loginUrl) continue;
    await updateResource(deps.db, r.id, { connectorConfig: next, updatedAt: deps.clock.now() });
    moved++;
  }
  return moved;
}
