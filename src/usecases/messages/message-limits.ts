import { type Executor, lockUntilCommit } from '../../db/client.js';
import { countRecentMessages } from '../../db/repositories/messages.js';
import { ValidationError } from '../../domain/errors.js';
import {
  cleanBody,
  cleanSubject,
  MESSAGE_WINDOW_MS,
  messageFieldErrors,
  RATE_LIMITED,
} from '../../domain/messages.js';
import type { NetworkSettings } from '../../domain/settings.js';

/** Subject and message checked and cleaned, or a ValidationError by field (nothing written). */
export function checkedMessage<T extends { objet?: string; message: string }>(input: T): T {
  const errors = messageFieldErrors(input);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return {
    ...input,
    ...(input.objet !== undefined ? { objet: cleanSubject(input.objet) } : {}),
    message: cleanBody(input.message),
  };
}

/**
 * The rate limit per account and per address (setting messagesPerHour). Said plainly rather
 * than silently dropped: a real person must know their question did not leave. Locked per
 * address until commit, so two forms sent at once cannot both pass the last free slot.
 */
export async function assertMayWrite(
  tx: Executor,
  who: { patronId: string | null; email: string },
  now: Date,
  settings: Pick<NetworkSettings, 'messagesPerHour'>,
): Promise<void> {
  await lockUntilCommit(tx, `messages:${who.email.toLowerCase()}`);
  if (who.patronId) await lockUntilCommit(tx, `messages:${who.patronId}`);
  const since = new Date(now.getTime() - MESSAGE_WINDOW_MS);
  if ((await countRecentMessages(tx, who, since)) >= settings.messagesPerHour)
    throw new ValidationError({ message: RATE_LIMITED });
}
