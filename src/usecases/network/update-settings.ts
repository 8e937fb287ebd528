import { createHash } from 'node:crypto';
import { recordEvent } from '../../db/repositories/events.js';
import {
  forgetCachedNetwork,
  getNetwork,
  lockNetwork,
  type Network,
  updateNetwork,
} from '../../db/repositories/network.js';
import type { StaffActor } from '../../domain/actor.js';
import { DomainError, forbidden, ValidationError } from '../../domain/errors.js';
import { EMAIL_PATTERN } from '../../domain/library-csv.js';
import { type NetworkSettings, SETTINGS, type SettingKey, textSettingError } from '../../domain/settings.js';
import type { Deps } from '../deps.js';

export interface SettingsInput {
  name: string;
  email: string;
  settings: NetworkSettings;
}

const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

export function integerRangeMessage(min: number, max: number): string {
  const f = new Intl.NumberFormat('fr-FR');
  return `Saisissez un nombre entier entre ${f.format(min)} et ${f.format(max)}.`;
}

export function networkNameError(name: string): string | undefined {
  const n = name.trim();
  if (!n) return 'Saisissez le nom du réseau.';
  if (n.length > 120) return 'Le nom ne doit pas dépasser 120 caractères.';
  return undefined;
}

/** The address receiving copies of requests and the overdue digest. */
export function networkEmailError(email: string): string | undefined {
  const e = email.trim().toLowerCase();
  if (!e) return 'Saisissez l’adresse électronique du réseau.';
  if (e.length > 254 || !EMAIL_PATTERN.test(e))
    return 'Saisissez une adresse électronique valide, par exemple reseau@exemple.fr.';
  return undefined;
}

/**
 * Every problem of a complete set of values, by field: each value on its own, then the rules
 * that tie two settings together (a reminder must come before the deadline it announces…).
 */
export function settingsErrors(input: SettingsInput): Record<string, string> {
  const errors: Record<string, string> = {};
  const nameError = networkNameError(input.name);
  if (nameError) errors.name = nameError;
  const emailError = networkEmailError(input.email);
  if (emailError) errors.email = emailError;

  const s = input.settings as Record<SettingKey, unknown>;
  for (const key of SETTING_KEYS) {
    const def = SETTINGS[key];
    const v = s[key];
    if (def.kind === 'number') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < def.min || v > def.max)
        errors[key] = integerRangeMessage(def.min, def.max);
    } else if (def.kind === 'boolean') {
      if (typeof v !== 'boolean') errors[key] = 'Choisissez Oui ou Non.';
    } else if (def.kind === 'text') {
      const message = typeof v === 'string' ? textSettingError(def, v) : 'Saisissez un texte.';
      if (message) errors[key] = message;
    } else if (typeof v !== 'string' || !(v in def.choices))
      errors[key] = 'Choisissez l’une des possibilités.';
  }
  if (Object.keys(errors).length) return errors;

  const v = input.settings;
  if (!v.selfRegistration && !v.staffRegistration)
    errors.staffRegistration =
      'Gardez au moins un moyen d’inscription : en ligne par les usagers ou par les bibliothèques.';
  if (v.confirmationReminderDays >= v.confirmationDays)
    errors.confirmationReminderDays = `Le rappel doit partir avant la fin du délai de confirmation (${v.confirmationDays} jours) : saisissez un nombre plus petit.`;
  if (v.renewalReminderDays >= v.membershipDays)
    errors.renewalReminderDays = `Le rappel doit partir pendant l’abonnement (${v.membershipDays} jours) : saisissez un nombre plus petit.`;
  if (v.retentionWarningDays >= v.retentionDays)
    errors.retentionWarningDays = `L’avertissement doit partir avant l’anonymisation (${v.retentionDays} jours) : saisissez un nombre plus petit.`;
  if (v.capAlertLowPercent >= v.capAlertHighPercent)
    errors.capAlertLowPercent = `La première alerte doit venir avant la seconde (${v.capAlertHighPercent} %) : saisissez un pourcentage plus petit.`;
  if (v.loginLockSeconds > v.loginLockMaxMinutes * 60)
    errors.loginLockSeconds = `Le premier blocage ne peut pas dépasser le blocage maximal (${v.loginLockMaxMinutes} minutes).`;
  return errors;
}

/**
 * A fingerprint of the values a form was filled from. If another administrator saved in the
 * meantime, the form is shown again rather than silently putting their changes back.
 */
export function settingsVersion(network: Pick<Network, 'name' | 'email' | 'settings'>): string {
  const ordered = SETTING_KEYS.map((k) => [k, network.settings[k]]);
  return createHash('sha256')
    .update(JSON.stringify([network.name, network.email, ordered]))
    .digest('base64url')
    .slice(0, 16);
}

/**
 * Saves the network's name, e-mail and every setting, all or nothing. The history keeps
 * only what changed, before and after.
 */
export async function updateSettings(
  deps: Deps,
  actor: StaffActor,
  input: SettingsInput & { version?: string },
): Promise<{ changed: string[] }> {
  if (actor.role !== 'network_admin') throw forbidden();
  const errors = settingsErrors(input);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const next = {
    name: input.name.trim(),
    email: input.email.trim().toLowerCase(),
    settings: Object.fromEntries(SETTING_KEYS.map((k) => [k, input.settings[k]])) as NetworkSettings,
  };
  const now = deps.clock.now();
  const outcome = await deps.db.transaction(async (tx) => {
    await lockNetwork(tx);
    const current = await getNetwork(tx);
    if (input.version !== undefined && input.version !== settingsVersion(current))
      throw new DomainError(
        'settings_changed_meanwhile',
        'Les paramètres ont été modifiés par une autre personne pendant que vous remplissiez ce formulaire. Vérifiez vos valeurs puis enregistrez à nouveau.',
        409,
      );
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const key of ['name', 'email'] as const)
      if (next[key] !== current[key]) {
        before[key] = current[key];
        after[key] = next[key];
      }
    for (const key of SETTING_KEYS)
      if (next.settings[key] !== current.settings[key]) {
        before[key] = current.settings[key];
        after[key] = next.settings[key];
      }
    const changed = Object.keys(after);
    if (changed.length === 0) return { changed };
    await updateNetwork(tx, next);
    await recordEvent(tx, {
      at: now,
      actor,
      action: 'settings_updated',
      subject: { kind: 'network', id: '1' },
      data: { before, after },
    });
    return { changed };
  });
  if (outcome.changed.length > 0) forgetCachedNetwork();
  return outcome;
}
