import { sql } from 'drizzle-orm';
import type { RegistrationData } from '../../domain/registration-form.js';
import { type Executor, queryRows } from '../client.js';
import { preparedStatement } from '../prepared.js';
import { events, libraries, outbox, patrons, staff, tokens } from '../schema.js';
import { isUuid } from './libraries.js';
import { countAttemptQuery } from './login-throttles.js';
import type { MailMessage } from './outbox.js';
import { ownsAddress } from './patrons.js';

/**
 * The statements of a self-registration. A registration costs argon2 plus its queries, and every
 * round trip is CPU taken from the hashing of other registrations: a valid form is checked and
 * written in one statement after its hash (insertSelfRegistration); a form with errors is counted
 * and checked in one (readRegistrationChecks), so that all its errors are shown at once. The rare
 * cases (the address has a live account, two forms with one address at once) go through the use
 * case's locked transaction.
 */

export interface RegistrationChecks {
  /** Registrations posted from this address in the current window, this one included. */
  attempts: number;
  /** The chosen library, if it exists and is active. */
  library: { id: string; name: string } | null;
  /** The identifiant belongs to a patron or a staff account already (any case). */
  identifierTaken: boolean;
}

/** Counts the attempt against `throttleKey` and reads the library and the identifiant's owner. */
export async function readRegistrationChecks(
  db: Executor,
  input: { throttleKey: string; now: Date; windowStart: Date; libraryId: string; identifier: string },
): Promise<RegistrationChecks> {
  const libraryId = isUuid(input.libraryId) ? input.libraryId : null;
  const identifier = input.identifier.trim().toLowerCase();
  const [row] = await queryRows<RegistrationChecks>(
    db,
    sql`with attempt as ${countAttemptQuery(db, input.throttleKey, input.now, input.windowStart)}
    select
      (select failures from attempt) as "attempts",
      (select json_build_object('id', ${libraries.id}, 'name', ${libraries.name}) from ${libraries}
        where ${libraries.id} = ${libraryId}::uuid and ${libraries.active}) as "library",
      (${identifier} <> '' and (
        exists (select 1 from ${patrons} where lower(${patrons.identifier}) = ${identifier})
        or exists (select 1 from ${staff} where lower(${staff.identifier}) = ${identifier}))) as "identifierTaken"`,
  );
  return { attempts: Number(row!.attempts), library: row!.library, identifierTaken: row!.identifierTaken };
}

export interface SelfRegistrationRows {
  /** The form's values (the library checked to be active), the password only as its hash. */
  patron: Omit<RegistrationData, 'password'> & { passwordHash: string };
  /** The confirmation link's token, stored hashed. */
  tokenHash: string;
  deadline: Date;
  mail: Omit<MailMessage, 'patronId'>;
  eventLabel: string;
  eventData: Record<string, unknown>;
  now: Date;
}

export const UNCONFIRMED_EMAIL_INDEX = 'patrons_unconfirmed_self_email_key';

/** The per-address limit a registration's write counts itself against. */
export interface RegistrationGuard {
  throttleKey: string;
  windowStart: Date;
  /** Most registrations from one address in a window. */
  limit: number;
}

/** What insertSelfRegistration did: wrote the request, or why it wrote nothing. */
export type SelfRegistrationWrite =
  | { kind: 'registered'; patronId: string }
  | {
      kind: 'refused';
      rateLimited: boolean;
      /** The library is gone or no longer active. */
      libraryInactive: boolean;
      identifierTaken: boolean;
      /** A live account uses the address: the caller answers that address instead. */
      addressInUse: boolean;
    };

/**
 * Writes a new request awaiting its e-mail confirmation (patron, confirmation token, e-mail,
 * history) in one statement, which also counts the attempt against `guard` and checks, as the
 * request is written, that the address is under its limit, the library active, the identifiant
 * free and the e-mail address without a live account. If any check fails, only the attempt is
 * counted and the outcome says which. A second unconfirmed request with the same address, written
 * at the same instant, fails on UNCONFIRMED_EMAIL_INDEX instead; the same identifiant, on the
 * identifiants' unique index.
 */
export async function insertSelfRegistration(
  db: Executor,
  r: SelfRegistrationRows,
  guard: RegistrationGuard,
): Promise<SelfRegistrationWrite> {
  const p = r.patron;
  const [row] = await selfRegistrationStatement(db, {
    throttleKey: guard.throttleKey,
    windowStart: guard.windowStart,
    limit: guard.limit,
    now: r.now,
    libraryId: p.libraryId,
    lastName: p.lastName,
    firstName: p.firstName,
    birthDate: p.birthDate,
    birthYear: p.birthYear,
    email: p.email,
    address: p.email.trim().toLowerCase(),
    identifier: p.identifier,
    identifierLower: p.identifier.trim().toLowerCase(),
    passwordHash: p.passwordHash,
    newsletter: p.newsletter,
    tokenHash: r.tokenHash,
    deadline: r.deadline,
    mailTo: r.mail.to,
    mailSubject: r.mail.subject,
    mailText: r.mail.text,
    mailHtml: r.mail.html,
    mailTemplate: r.mail.template,
    eventLabel: r.eventLabel,
    eventData: JSON.stringify(r.eventData),
  });
  const { id, ...checks } = row!;
  return id ? { kind: 'registered', patronId: id } : { kind: 'refused', ...checks };
}

type RegistrationValues = Record<
  | 'throttleKey'
  | 'windowStart'
  | 'limit'
  | 'now'
  | 'libraryId'
  | 'lastName'
  | 'firstName'
  | 'birthDate'
  | 'birthYear'
  | 'email'
  | 'address'
  | 'identifier'
  | 'identifierLower'
  | 'passwordHash'
  | 'newsletter'
  | 'tokenHash'
  | 'deadline'
  | 'mailTo'
  | 'mailSubject'
  | 'mailText'
  | 'mailHtml'
  | 'mailTemplate'
  | 'eventLabel'
  | 'eventData',
  unknown
>;

const v = (name: keyof RegistrationValues) => sql.placeholder(name);
const col = (c: { name: string }) => sql.identifier(c.name);

const selfRegistrationStatement = preparedStatement<
  RegistrationValues,
  Omit<Extract<SelfRegistrationWrite, { kind: 'refused' }>, 'kind'> & { id: string | null }
>(
  'sesame_self_registration',
  { plan: 'once' },
  (
    db,
  ) => sql`with attempt as ${countAttemptQuery(db, v('throttleKey'), v('now'), v('windowStart'))}, checks as (
      select
        (select failures from attempt) > ${v('limit')}::int as "rateLimited",
        not exists (select 1 from ${libraries}
          where ${libraries.id} = ${v('libraryId')}::uuid and ${libraries.active}) as "libraryInactive",
        (exists (select 1 from ${patrons} where lower(${patrons.identifier}) = ${v('identifierLower')})
          or exists (select 1 from ${staff} where lower(${staff.identifier}) = ${v('identifierLower')})) as "identifierTaken",
        -- Fenced (offset 0) so that the address is the scan's only condition: a plan made while
        -- the table was small could otherwise read the address's rule off another index.
        exists (select 1 from (select * from ${patrons} where lower(${patrons.email}) = ${v('address')} offset 0)
          as ${patrons} where ${ownsAddress(v('address'))}) as "addressInUse"
    ), created as (
      insert into ${patrons} (${col(patrons.libraryId)}, ${col(patrons.state)}, ${col(patrons.channel)},
        ${col(patrons.lastName)}, ${col(patrons.firstName)}, ${col(patrons.birthDate)}, ${col(patrons.birthYear)},
        ${col(patrons.email)}, ${col(patrons.identifier)}, ${col(patrons.passwordHash)}, ${col(patrons.newsletter)},
        ${col(patrons.registeredAt)}, ${col(patrons.createdAt)}, ${col(patrons.updatedAt)})
      select ${v('libraryId')}::uuid, 'awaiting_confirmation', 'self', ${v('lastName')}::text, ${v('firstName')}::text,
        ${v('birthDate')}::date, ${v('birthYear')}::int, ${v('email')}::text, ${v('identifier')}::text,
        ${v('passwordHash')}::text, ${v('newsletter')}::boolean, ${v('now')}::timestamptz, ${v('now')}::timestamptz,
        ${v('now')}::timestamptz
      from checks
      where not ("rateLimited" or "libraryInactive" or "identifierTaken" or "addressInUse")
      returning ${patrons.id} as id
    ), token as (
      insert into ${tokens} (${col(tokens.hash)}, ${col(tokens.purpose)}, ${col(tokens.principalKind)},
        ${col(tokens.principalId)}, ${col(tokens.createdAt)}, ${col(tokens.expiresAt)})
      select ${v('tokenHash')}::text, 'confirm_email', 'patron', created.id, ${v('now')}::timestamptz,
        ${v('deadline')}::timestamptz
      from created
    ), mail as (
      insert into ${outbox} (${col(outbox.toAddress)}, ${col(outbox.subject)}, ${col(outbox.text)},
        ${col(outbox.html)}, ${col(outbox.template)}, ${col(outbox.patronId)}, ${col(outbox.createdAt)},
        ${col(outbox.notBefore)})
      select ${v('mailTo')}::text, ${v('mailSubject')}::text, ${v('mailText')}::text, ${v('mailHtml')}::text,
        ${v('mailTemplate')}::text, created.id, ${v('now')}::timestamptz, ${v('now')}::timestamptz
      from created
    ), event as (
      insert into ${events} (${col(events.at)}, ${col(events.actorKind)}, ${col(events.actorId)},
        ${col(events.actorLabel)}, ${col(events.action)}, ${col(events.subjectKind)}, ${col(events.subjectId)},
        ${col(events.data)})
      select ${v('now')}::timestamptz, 'patron', created.id, ${v('eventLabel')}::text, 'registered', 'patron',
        created.id::text, ${v('eventData')}::jsonb
      from created
    )
    select checks.*, (select id from created) as "id" from checks`,
);
