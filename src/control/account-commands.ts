import { getNetwork } from '../db/repositories/network.js';
import { findStaffByLogin } from '../db/repositories/staff.js';
import { DAY } from '../domain/clock.js';
import { DomainError, ValidationError } from '../domain/errors.js';
import { issuePasswordLink } from '../usecases/auth/password-links.js';
import type { Deps } from '../usecases/deps.js';
import { createStaff } from '../usecases/network/create-staff.js';
import { rotateOidcKeys } from '../usecases/oidc/rotate-keys.js';

/**
 * The commands a newcomer needs while the server runs (a set-password link, a new network
 * administrator). The command line runs them itself, or asks the running server through its
 * control channel when that server holds the embedded database: the same code either way, and
 * the output is the text the person reads.
 */
export const ACCOUNT_COMMANDS = ['create-admin', 'password-link', 'oidc-rotate-keys'] as const;
export type AccountCommand = (typeof ACCOUNT_COMMANDS)[number];

export function isAccountCommand(command: string): command is AccountCommand {
  return (ACCOUNT_COMMANDS as readonly string[]).includes(command);
}

/** Bad arguments for one of these commands: the message is for the person, in French. */
export class CommandError extends Error {}

/** Checks the arguments before anything opens the database; throws CommandError. */
export function checkAccountArgs(command: AccountCommand, args: string[]): void {
  if (command === 'create-admin') {
    if (args.length < 2) throw new CommandError('create-admin attend un identifiant et un courriel.');
    if (!/^[A-Za-z0-9._-]{2,64}$/.test(args[0]!))
      throw new CommandError(
        'Identifiant invalide : lettres sans accents, chiffres, point, tiret ou souligné.',
      );
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(args[1]!))
      throw new CommandError(`Courriel invalide : ${args[1]}`);
  }
  if (command === 'password-link' && args.length !== 1)
    throw new CommandError('password-link attend un identifiant.');
  if (command === 'oidc-rotate-keys' && args.length !== 0)
    throw new CommandError('oidc-rotate-keys n’attend aucun argument.');
}

/** Runs the command; returns what to print. Rule violations throw DomainError (French). */
export async function runAccountCommand(
  deps: Deps,
  command: AccountCommand,
  args: string[],
): Promise<string> {
  checkAccountArgs(command, args);
  if (command === 'oidc-rotate-keys') return rotateOidcKeys(deps);
  if (command === 'create-admin') {
    const [identifier, email, ...name] = args as [string, string, ...string[]];
    const created = await createStaff(deps, null, {
      identifier,
      email,
      name: name.join(' ') || identifier,
      role: 'network_admin',
      libraryIds: [],
    });
    return `Administrateur « ${identifier} » créé. Lien pour choisir son mot de passe (une seule fois) :\n  ${created.setPasswordUrl}`;
  }
  const staff = await findStaffByLogin(deps.db, args[0]!);
  if (!staff) throw new DomainError('unknown_account', `Aucun compte n’a l’identifiant « ${args[0]} ».`, 404);
  const network = await getNetwork(deps.db);
  const link = await deps.db.transaction((tx) =>
    issuePasswordLink(
      tx,
      { kind: 'staff', id: staff.id },
      'set_password',
      deps.clock.now(),
      network.settings.setPasswordLinkDays * DAY,
      deps.baseUrl,
    ),
  );
  return `Lien pour choisir le mot de passe de « ${staff.identifier} » (une seule fois) :\n  ${link.url}`;
}

/** The French text of an error thrown by runAccountCommand. */
export function commandErrorText(error: unknown): string {
  if (error instanceof ValidationError) return Object.values(error.fieldErrors).join('\n');
  if (error instanceof DomainError || error instanceof CommandError) return error.message;
  return `Erreur : ${error instanceof Error ? error.message : String(error)}`;
}
