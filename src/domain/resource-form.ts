import {
  type Audience,
  type CapPeriod,
  type ConnectorKind,
  DOCUMENT_ID_PATTERN,
  type MnPersonalField,
  type QuotaCategory,
  type ResourceDocument,
  type ResourceKind,
} from './resources.js';

/** What a network administrator enters for a resource of the catalog, once parsed. */
export interface ResourceInput {
  name: string;
  provider: string;
  description: string;
  kind: ResourceKind;
  category: QuotaCategory | null;
  audience: Audience;
  underTwelve: boolean;
  allLibraries: boolean;
  libraryIds: string[];
  connector: ConnectorKind;
  urlTemplate: string;
  /** Empty on an edit: keep the current secret. */
  secret: string;
  linkMinutes: number | null;
  ssoId: string;
  loginUrl: string;
  fields: MnPersonalField[];
  capPeriod: CapPeriod | null;
  capLimit: number | null;
  documents: ResourceDocument[];
}

export const MAX_CAP = 10_000_000;
export const SECRET_MIN_LENGTH = 16;

export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && Boolean(u.hostname);
  } catch {
    return false;
  }
}

/** A provider URL template: http(s), with {document} where the document id goes. */
export function urlTemplateError(template: string): string | undefined {
  const t = template.trim();
  if (!t)
    return 'Saisissez l’adresse du fournisseur, avec {document} à la place de l’identifiant du document.';
  if (t.length > 500) return 'L’adresse ne doit pas dépasser 500 caractères.';
  if (!t.includes('{document}'))
    return 'L’adresse doit contenir {document}, remplacé par l’identifiant du document à l’ouverture. Exemple : https://fournisseur.exemple.fr/lire/{document}';
  const sample = t.replaceAll('{document}', 'doc').replaceAll('{resource}', 'res');
  if (/[{}]/.test(sample))
    return 'Seuls {document} et {resource} peuvent figurer entre accolades dans l’adresse.';
  if (!isHttpUrl(sample))
    return 'Saisissez une adresse commençant par https:// (ou http://), par exemple https://fournisseur.exemple.fr/lire/{document}.';
  return undefined;
}

/**
 * The catalog's document list, one per line: "identifiant ; titre". Returns the documents or
 * the first problem, naming its line.
 */
export function parseDocumentLines(text: string): { documents: ResourceDocument[] } | { error: string } {
  const documents: ResourceDocument[] = [];
  const seen = new Set<string>();
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line) continue;
    const at = `Ligne ${i + 1}`;
    const sep = line.indexOf(';');
    if (sep < 0)
      return {
        error: `${at} : séparez l’identifiant du titre par un point-virgule, par exemple « film-42 ; Le Phare des brumes ».`,
      };
    const id = line.slice(0, sep).trim();
    const title = line.slice(sep + 1).trim();
    if (!DOCUMENT_ID_PATTERN.test(id))
      return {
        error: `${at} : l’identifiant « ${id.slice(0, 40)} » ne doit contenir que des lettres sans accent, des chiffres, et . _ : - (100 caractères au plus).`,
      };
    if (!title) return { error: `${at} : indiquez le titre du document après le point-virgule.` };
    if (title.length > 200) return { error: `${at} : le titre ne doit pas dépasser 200 caractères.` };
    if (seen.has(id)) return { error: `${at} : l’identifiant « ${id} » figure déjà plus haut.` };
    seen.add(id);
    documents.push({ id, title });
  }
  if (documents.length > 500) return { error: 'La liste ne peut pas dépasser 500 documents.' };
  return { documents };
}

export function formatDocumentLines(documents: ResourceDocument[]): string {
  return documents.map((d) => `${d.id} ; ${d.title}`).join('\n');
}

/**
 * Every problem of a resource, by field, including the rules tying fields together (a Forfait
 * needs a category, a plain link cannot identify a patron, a cap needs a period…).
 */
export function resourceErrors(
  input: ResourceInput,
  options: { hasSecret: boolean },
): Record<string, string> {
  const e: Record<string, string> = {};
  if (!input.name.trim()) e.name = 'Saisissez le nom de la ressource.';
  else if (input.name.trim().length > 120) e.name = 'Le nom ne doit pas dépasser 120 caractères.';
  if (!input.provider.trim()) e.provider = 'Saisissez le nom du fournisseur.';
  else if (input.provider.trim().length > 120)
    e.provider = 'Le fournisseur ne doit pas dépasser 120 caractères.';
  if (input.description.length > 1000)
    e.description = 'La description ne doit pas dépasser 1 000 caractères.';

  if (input.kind === 'quota' && !input.category)
    e.category = 'Choisissez la catégorie de quota de cette ressource au Forfait.';
  if (!input.allLibraries && input.libraryIds.length === 0)
    e.libraryIds = 'Cochez au moins une bibliothèque, ou choisissez « Toutes les bibliothèques ».';

  const urlError = urlTemplateError(input.urlTemplate);
  if (urlError) e.urlTemplate = urlError;
  if (input.connector === 'direct' && input.kind !== 'open')
    e.connector =
      'Un lien simple ne transmet pas l’usager au fournisseur : réservez-le aux ressources libres et choisissez un lien signé pour l’Accès libre et le Forfait.';
  if (input.connector !== 'direct') {
    const secret = input.secret;
    if (!secret && !options.hasSecret)
      e.secret = `Saisissez la clé partagée avec le fournisseur (au moins ${SECRET_MIN_LENGTH} caractères).`;
    else if (secret && (secret.length < SECRET_MIN_LENGTH || secret.length > 200))
      e.secret = `La clé doit compter de ${SECRET_MIN_LENGTH} à 200 caractères.`;
  }
  if (
    input.connector === 'signed_link' &&
    input.linkMinutes !== null &&
    (input.linkMinutes < 1 || input.linkMinutes > 1440)
  )
    e.linkMinutes = 'Saisissez une durée entre 1 et 1 440 minutes.';
  if (input.connector === 'mn_sso') {
    if (!input.ssoId.trim()) e.ssoId = 'Saisissez l’identifiant sso_id donné par le fournisseur.';
    else if (input.ssoId.trim().length > 100) e.ssoId = 'L’identifiant ne doit pas dépasser 100 caractères.';
    if (!isHttpUrl(input.loginUrl.trim()))
      e.loginUrl = 'Saisissez l’adresse sso_login du fournisseur, commençant par https://.';
  }

  if (input.capPeriod && input.kind === 'open')
    e.capPeriod = 'Les ressources libres ne sont pas comptées : elles ne peuvent pas avoir de plafond.';
  if (input.capPeriod && (input.capLimit === null || input.capLimit < 1 || input.capLimit > MAX_CAP))
    e.capLimit = 'Saisissez le nombre de consultations achetées, un nombre entier entre 1 et 10 000 000.';
  if (!input.capPeriod && input.capLimit !== null)
    e.capPeriod = 'Choisissez si le plafond vaut par mois ou par année, ou videz le nombre de consultations.';
  return e;
}
