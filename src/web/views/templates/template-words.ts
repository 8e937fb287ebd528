import type { ResponseTemplate } from '../../../domain/response-templates.js';

export const TEMPLATES_URL = '/admin/modeles';
export const templateUrl = (key: string) => `${TEMPLATES_URL}/${key}`;

/** Made-up patron for the preview. */
export const SAMPLE = { firstName: 'Zoé', lastName: 'N’Diaye-Lefèvre', identifier: 'zoe.ndiaye' };

export const USE: Record<ResponseTemplate['kind'], Record<ResponseTemplate['decision'], string>> = {
  registration: { accepted: 'Inscription acceptée', refused: 'Inscription refusée' },
  renewal: { accepted: 'Réinscription acceptée', refused: 'Réinscription refusée' },
};
