import { recordEvent } from '../../db/repositories/events.js';
import { getNetwork } from '../../db/repositories/network.js';
import { enqueueMail } from '../../db/repositories/outbox.js';
import { identifierTaken, insertStaff } from '../../db/repositories/staff.js';
import type { StaffActor, StaffRole } from '../../domain/actor.js';
import { DAY } from '../../domain/clock.js';
import { ValidationError } from '../../domain/errors.js';
import { identifierFormatMessage, identifierFormatRegExp } from '../../domain/settings.js';
import { setPasswordMail } from '../../mail/messages.js';
import { issuePasswordLink } from '../auth/password-links.js';
import type { Deps } from '../deps.js';
import { libraryChoiceError } from './staff-checks.js';

export interface NewStaff {
  identifier: string;
  name: string;
  email: string;
  role: StaffRole;
  libraryIds: string[];
}

/**
 * Creates a staff account with no password: the person receives "Définissez votre mot de
 * passe" (through the outbox) and chooses it. Returns the link too, for the CLI and the demo.
 * `actor` is null when the command line or the demo creates the account.
 */
export async function createStaff(
  deps: Deps,
  actor: StaffActor | null,
  input: NewStaff,
): Promise<{ id: string; setPasswordUrl: string; expiresAt: Date }> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const errors: Record<string, string> = {};
    if (await identifierTaken(tx, input.identifier)) errors.identifier = 'Cet identifiant est déjà utilisé.';
    const libraryError = await libraryChoiceError(tx, input.role, input.libraryIds);
    if (libraryError) errors.libraryId = libraryError;
    const network = await getNetwork(tx);
    // The seed: a library's identifier is its Moselia one ("du type 52#####").
    const format = network.settings.staffIdentifierFormat;
    const pattern = identifierFormatRegExp(format);
    if (input.role === 'library_staff' && pattern && !pattern.test(input.identifier) && !errors.identifier)
      errors.identifier = identifierFormatMessage(format);
    if (Object.keys(errors).length) throw new ValidationError(errors);

    const row = await insertStaff(tx, {
      ...input,
      libraryIds: input.role === 'network_admin' ? [] : input.libraryIds,
      createdAt: now,
    });
    const link = await issuePasswordLink(
      tx,
      { kind: 'staff', id: row.id },
      'set_password',
      now,
      network.settings.setPasswordLinkDays * DAY,
      deps.baseUrl,
    );
    await enqueueMail(
      tx,
      setPasswordMail({
        networkName: network.name,
        to: row.email,
        name: row.name,
        identifier: row.identifier,
        ...link,
      }),
      now,
    );
    await recordEvent(tx, {
      at: now,
      actor: actor ?? { kind: 'system', label: 'Ligne de commande' },
      action: 'staff_created',
      subject: { kind: 'staff', id: row.id },
      data: { identifier: row.identifier, role: row.role, libraryIds: input.libraryIds },
    });
    return { id: row.id, setPasswordUrl: link.url, expiresAt: link.expiresAt };
  });
}
