import { recordEvent } from '../../db/repositories/events.js';
import { lockNetwork } from '../../db/repositories/network.js';
import {
  resetResponseTemplate as deleteTemplateRow,
  findResponseTemplate,
  saveResponseTemplate as upsertTemplate,
} from '../../db/repositories/response-templates.js';
import type { StaffActor } from '../../domain/actor.js';
import { messageErrors } from '../../domain/decision-rules.js';
import { DomainError, forbidden, notFound, ValidationError } from '../../domain/errors.js';
import { formatDateTime } from '../../domain/paris.js';
import { DEFAULT_TEMPLATES, isTemplateKey, type TemplateKey } from '../../domain/response-templates.js';
import type { Deps } from '../deps.js';

/** Version of a template as shown in its form: its last change, or "" for the built-in text. */
export function templateVersion(t: { updatedAt: Date | null }): string {
  return t.updatedAt ? t.updatedAt.toISOString() : '';
}

function requireKey(actor: StaffActor, key: string): TemplateKey {
  if (actor.role !== 'network_admin') throw forbidden();
  if (!isTemplateKey(key) || DEFAULT_TEMPLATES[key].retired) throw notFound('Ce modèle');
  return key;
}

/**
 * A network administrator changes the wording of a response template. An unknown placeholder
 * is refused (it would reach patrons as is); a change made by a colleague since the form was
 * opened is not overwritten silently.
 */
export async function saveResponseTemplate(
  deps: Deps,
  actor: StaffActor,
  input: { key: string; subject: string; body: string; version?: string },
): Promise<{ changed: boolean }> {
  const key = requireKey(actor, input.key);
  const subject = input.subject.trim();
  const body = input.body.replace(/\r\n?/g, '\n').trim();
  const errors = messageErrors(
    subject,
    body,
    { subject: 'objet', body: 'texte' },
    DEFAULT_TEMPLATES[key].kind,
  );
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    // Template edits apply one at a time, so the version check below cannot be raced.
    await lockNetwork(tx);
    const current = await findResponseTemplate(tx, key);
    if (input.version !== undefined && input.version !== templateVersion(current))
      throw new DomainError(
        'template_changed',
        current.updatedAt
          ? `Ce modèle a été modifié par ${current.updatedBy} le ${formatDateTime(current.updatedAt)} pendant que vous l’éditiez : relisez sa version actuelle avant d’enregistrer la vôtre.`
          : 'Ce modèle a été rétabli entre-temps : relisez sa version actuelle avant d’enregistrer la vôtre.',
        409,
      );
    if (current.subject === subject && current.body === body) return { changed: false };
    await upsertTemplate(tx, key, { subject, body }, now, actor.name);
    await recordEvent(tx, {
      at: now,
      actor,
      action: 'template_updated',
      subject: { kind: 'template', id: key },
      data: { previous: { subject: current.subject, body: current.body }, subject, body },
    });
    return { changed: true };
  });
}

/** "Rétablir le texte d’origine": false when the template already had its built-in text. */
export async function resetResponseTemplate(
  deps: Deps,
  actor: StaffActor,
  keyText: string,
): Promise<boolean> {
  const key = requireKey(actor, keyText);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    await lockNetwork(tx);
    const current = await findResponseTemplate(tx, key);
    if (!(await deleteTemplateRow(tx, key))) return false;
    await recordEvent(tx, {
      at: now,
      actor,
      action: 'template_updated',
      subject: { kind: 'template', id: key },
      data: { previous: { subject: current.subject, body: current.body }, reset: true },
    });
    return true;
  });
}
