import type { ResponseTemplate } from '../../../domain/response-templates.js';

export const TEMPLATES_URL = '/admin/modeles';
export const templateUrl = (key: string) => `${TEMPLATES_URL}/${key}`;

/** Made-up patron for the preview. */
export const SAMPLE = { firstName: 'Zoé', lastName: 'N’Diaye-Lefèvre', identifier: 'zoe.ndiaye' };
/** Signature of a saved reply in its preview. */
export const SAMPLE_SIGNATURE = 'Bibliothèque d’exemple';

const USE = {
  registration: { accepted: 'Inscription acceptée', refused: 'Inscription refusée' },
  renewal: { accepted: 'Réinscription acceptée', refused: 'Réinscription refusée' },
} as const;

/** What a template is used for, as administrators read it. */
export function templateUse(t: Pick<ResponseTemplate, 'kind' | 'decision'>): string {
  if (t.kind === 'message') return 'Réponse enregistrée (Messages)';
  return USE[t.kind][t.decision ?? 'accepted'];
}

/** For a saved reply the "objet" field is its title in the staff's list. */
export const subjectLabel = (t: Pick<ResponseTemplate, 'kind'>) =>
  t.kind === 'message' ? 'Titre dans la liste des réponses enregistrées' : 'Objet';
