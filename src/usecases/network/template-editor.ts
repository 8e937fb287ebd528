import { getNetwork } from '../../db/repositories/network.js';
import { findResponseTemplate, type StoredTemplate } from '../../db/repositories/response-templates.js';
import { frenchDay, subscriptionEnd } from '../../domain/patron-lifecycle.js';
import { quotaLines, type TemplateKey } from '../../domain/response-templates.js';
import type { Deps } from '../deps.js';
import { templateVersion } from './save-response-template.js';

export interface TemplateEditor {
  template: StoredTemplate;
  /** What the form posts back, so a colleague's change meanwhile is not overwritten. */
  version: string;
  /** A subscription decided today would end on this day (JJ/MM/AAAA): the preview shows it. */
  endDate: string;
  networkName: string;
  /** [forfait] and the [lien-…] placeholders as the network's patrons would read them. */
  quotas: string;
  baseUrl: string;
}

export async function loadTemplateEditor(deps: Deps, key: TemplateKey): Promise<TemplateEditor> {
  const [template, network] = await Promise.all([findResponseTemplate(deps.db, key), getNetwork(deps.db)]);
  const now = deps.clock.now();
  return {
    template,
    version: templateVersion(template),
    endDate: frenchDay(subscriptionEnd(now, now, network.settings)),
    networkName: network.name,
    quotas: quotaLines(network.settings),
    baseUrl: deps.baseUrl,
  };
}
