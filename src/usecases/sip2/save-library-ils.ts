import { deleteLibraryIls, findLibraryIls, saveLibraryIls } from '../../db/repositories/sip2.js';
import type { StaffActor } from '../../domain/actor.js';
import { ValidationError } from '../../domain/errors.js';
import type { Deps } from '../deps.js';
import { findLibraryForActor } from '../network/library-details.js';

export interface LibraryIlsInput {
  host: string;
  port: string;
  tls: boolean;
  login: string;
  /** Empty: keep the password already saved. */
  password: string;
  location: string;
}

const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$|^\[?[0-9A-Fa-f:]{2,45}\]?$/;
const SIP_TEXT = /^[^|\r\n]*$/;

/** A network administrator sets (or clears) the address and SIP2 account of a library's ILS. */
export async function saveLibraryIlsSettings(
  deps: Deps,
  actor: StaffActor,
  libraryId: string,
  input: LibraryIlsInput | null,
): Promise<void> {
  const library = await findLibraryForActor(deps, actor, libraryId);
  if (input === null) {
    await deleteLibraryIls(deps.db, library.id);
    return;
  }
  const errors: Record<string, string> = {};
  const host = input.host.trim();
  if (!HOST.test(host))
    errors.hote = 'Indiquez le nom ou l’adresse IP du serveur SIP2 (ex. sigb.exemple.fr).';
  const port = Number(input.port.trim());
  if (!/^\d{1,5}$/.test(input.port.trim()) || port < 1 || port > 65535)
    errors.port = 'Un nombre entier entre 1 et 65535 (souvent 6001).';
  const login = input.login.trim();
  if (login.length > 100 || !SIP_TEXT.test(login)) errors.identifiant = 'Au plus 100 caractères, sans « | ».';
  if (input.password.length > 200 || !SIP_TEXT.test(input.password))
    errors.motdepasse = 'Au plus 200 caractères, sans « | ».';
  const location = input.location.trim();
  if (location.length > 50 || !SIP_TEXT.test(location))
    errors.localisation = 'Au plus 50 caractères, sans « | ».';
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const current = await findLibraryIls(deps.db, library.id);
  await saveLibraryIls(deps.db, {
    libraryId: library.id,
    host,
    port,
    tls: input.tls,
    login,
    password: input.password !== '' ? input.password : login ? (current?.password ?? '') : '',
    location,
    updatedAt: deps.clock.now(),
  });
}
