import { isIP } from 'node:net';
import { findResource } from '../../db/repositories/resources.js';
import { insertSip2Account } from '../../db/repositories/sip2.js';
import type { StaffActor } from '../../domain/actor.js';
import { ValidationError } from '../../domain/errors.js';
import { hashPassword } from '../../security/passwords.js';
import { newSecretToken } from '../../security/tokens.js';
import type { Deps } from '../deps.js';
import { normaliseIp } from './provider-login.js';

export interface CreateSip2AccountInput {
  login: string;
  resourceId: string;
  /** Addresses separated by spaces, commas or line ends; empty: any address. */
  allowedIps: string;
  institution: string;
}

export const SIP2_LOGIN_PATTERN = /^[A-Za-z0-9._-]{3,50}$/;

/** The allowlist as typed, read into addresses; the first entry that is not one, if any. */
export function parseAllowedIps(text: string): { ips: string[]; bad: string | null } {
  const ips: string[] = [];
  for (const part of text.split(/[\s,;]+/).filter(Boolean)) {
    if (!isIP(part)) return { ips, bad: part };
    const ip = normaliseIp(part);
    if (!ips.includes(ip)) ips.push(ip);
  }
  return { ips, bad: null };
}

/**
 * A network administrator opens a SIP2 account for a provider. The password is drawn by
 * Sésame, returned this once for the administrator to pass on, and kept only as a hash.
 */
export async function createSip2Account(
  deps: Deps,
  actor: StaffActor,
  input: CreateSip2AccountInput,
): Promise<{ id: string; login: string; password: string }> {
  const errors: Record<string, string> = {};
  const login = input.login.trim();
  if (!SIP2_LOGIN_PATTERN.test(login))
    errors.identifiant = 'De 3 à 50 caractères : lettres sans accent, chiffres, point, tiret ou tiret bas.';
  const resource = await findResource(deps.db, input.resourceId);
  if (!resource) errors.ressource = 'Choisissez la ressource de ce fournisseur.';
  const { ips, bad } = parseAllowedIps(input.allowedIps);
  if (bad)
    errors.adresses = `« ${bad.slice(0, 60)} » n’est pas une adresse IP (ex. 203.0.113.10 ou 2001:db8::1).`;
  else if (ips.length > 50) errors.adresses = 'Au plus 50 adresses.';
  const institution = input.institution.trim() || 'SESAME';
  if (!/^[A-Za-z0-9._-]{1,30}$/.test(institution))
    errors.institution = 'De 1 à 30 caractères : lettres sans accent, chiffres, point, tiret ou tiret bas.';
  if (Object.keys(errors).length) throw new ValidationError(errors);

  const password = newSecretToken().slice(0, 32);
  const row = await insertSip2Account(deps.db, {
    login,
    passwordHash: await hashPassword(password),
    allowedIps: ips,
    resourceId: resource!.id,
    institution,
    createdAt: deps.clock.now(),
    createdBy: actor.name,
  });
  if (!row) throw new ValidationError({ identifiant: 'Cet identifiant SIP2 est déjà pris.' });
  return { id: row.id, login: row.login, password };
}
