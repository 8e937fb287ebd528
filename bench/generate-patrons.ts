/**
 * Fills a throwaway database with made-up patrons for benchmarks: N patrons over L libraries,
 * French-like invented names (accents, hyphens, apostrophes, particles), states mixed as in a
 * network's real year. Everything is computed inside PostgreSQL (generate_series + arrays),
 * deterministically from the row number, so two runs give the same data.
 *
 * Used by bench/queue.ts; never point it at a database holding real patrons.
 */
import { type SQL, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../src/db/client.js';

/** Syllables rather than real surnames: the data is invented, yet reads like a French list. */
const ROOTS = (
  'Lef Mor Gauth Ren Vill Bél Chât Dur Fav Gir Lam Mar Pel Roc Thi Vau Bras Ker Bih Diay Guil ' +
  'Hér Jouv Leg Mén Noy Oll Pér Quén Rib Sauv Tess Ulr Vall Wald Boul Cast Dél Esc Fourn Gosc ' +
  'Hamel Jacqu Lorr Mich Nic Prév Saul Trév Zimm'
).split(' ');

const SUFFIXES =
  'ier ard ot eau ès èvre in on ault elle ec ou as ic et and enne oux y ois an iaux ëlle ée'.split(' ');

const PARTICLES = ['Le ', 'La ', 'Du ', 'De ', 'N’', 'D’', 'Le ', 'Des ', "N'", 'Mac '];

const FIRST_NAMES = (
  'Zoé Léa Chloé Anaïs Maël Noé Inès Jérôme Hélène François Gaëlle Loïc Éloïse Amélie Benoît ' +
  'Cécile Clément Daphné Élodie Émile Fanny Gérald Hugo Irène Joël Karim Laëtitia Lucas Manon ' +
  'Mathéo Nadège Océane Pénélope Quentin Raphaël Sébastien Solène Théo Ugo Valérie Wassim ' +
  'Yaël Yannick Agnès Aurélien Bérénice Camille Denis Estelle Fatoumata Grégoire Héloïse ' +
  'Ibrahim Jade Kévin Louise Marius Nathanaël Ophélie Paul Rémi Salomé Timothée Véronique ' +
  'Zacharie Adèle Baptiste Clémence Dylan Enzo Françoise Gabriel Jules Léon Maëlle Naël Oscar ' +
  'Perrine Romane Aïcha Mamadou Anne-Sophie Jean-Noël Marie-Hélène Li Bo'
).split(' ');

const DOMAINS = 'exemple.fr courriel.test messagerie.example boite.exemple.org exemple.com'.split(' ');

const TOWNS = [
  'Villefictive',
  'Saint-Exemple',
  'Val-sur-Essai',
  'Montimaginaire',
  'Bourg-Factice',
  'Haute-Fiction',
  'Les Inventés',
  'Sainte-Maquette',
  'Pont-Modèle',
  'Château-Prototype',
];

function textArray(values: readonly string[]): SQL {
  return sql.raw(`ARRAY[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(',')}]::text[]`);
}

export interface GeneratedData {
  libraryIds: string[];
  patrons: number;
}

/** Creates `libraries` libraries (codes B000001…) and returns their ids, largest first. */
async function generateLibraries(db: Executor, count: number): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`insert into libraries (code, name, town, email)
        select 'B' || lpad(n::text, 6, '0'),
               (${textArray(['Médiathèque', 'Bibliothèque', 'Médiathèque intercommunale', 'Point lecture'])})[1 + n % 4]
                 || ' de ' || (${textArray(TOWNS)})[1 + n % ${TOWNS.length}] || ' ' || n,
               (${textArray(TOWNS)})[1 + n % ${TOWNS.length}],
               'bib' || n || '@exemple.fr'
        from generate_series(1, ${count}) n
        order by n
        returning id`,
  );
  return rows.map((r) => r.id);
}

/**
 * Inserts `count` patrons in batches. The table's indexes are dropped before and rebuilt after
 * (from their own definitions), which is several times faster than maintaining the trigram
 * index row by row.
 */
export async function generatePatrons(
  db: Executor,
  options: { count: number; libraries?: number; now: Date; onProgress?: (done: number) => void },
): Promise<GeneratedData> {
  const libraryIds = await generateLibraries(db, options.libraries ?? 150);
  const indexes = await queryRows<{ indexname: string; indexdef: string }>(
    db,
    sql`select indexname, indexdef from pg_indexes
        where schemaname = 'public' and tablename = 'patrons' and indexname <> 'patrons_pkey'`,
  );
  // indexdef omits per-column statistics targets (set by the migrations): kept to be set again.
  const targets = await queryRows<{ index: string; attnum: number; target: number }>(
    db,
    sql`select c.relname as index, a.attnum, a.attstattarget::int as target
        from pg_index i
        join pg_class c on c.oid = i.indexrelid
        join pg_attribute a on a.attrelid = i.indexrelid
        where i.indrelid = 'patrons'::regclass and coalesce(a.attstattarget, -1) >= 0`,
  );
  for (const i of indexes) await db.execute(sql.raw(`drop index if exists "${i.indexname}"`));

  const batch = 200_000;
  for (let start = 1; start <= options.count; start += batch) {
    const end = Math.min(options.count, start + batch - 1);
    await db.execute(patronBatch(start, end, libraryIds.length, options.now));
    options.onProgress?.(end);
  }

  for (const i of indexes) await db.execute(sql.raw(i.indexdef));
  for (const t of targets)
    await db.execute(
      sql.raw(`alter index "${t.index}" alter column ${Number(t.attnum)} set statistics ${Number(t.target)}`),
    );
  return { libraryIds, patrons: options.count };
}

/** The INSERT … SELECT of patrons number `start` to `end`. */
export function patronBatch(start: number, end: number, libraryCount: number, at: Date): SQL {
  const now = at.toISOString();
  return sql`
      with libs as (
        select array_agg(id order by code) as ids from libraries where code like 'B%'
      ),
      base as materialized (
        select i,
          ('x' || substr(h, 1, 7))::bit(28)::int as r1,
          ('x' || substr(h, 8, 7))::bit(28)::int as r2,
          ('x' || substr(h, 15, 7))::bit(28)::int as r3,
          ('x' || substr(h, 22, 7))::bit(28)::int as r4,
          ('x' || substr(h, 29, 4))::bit(16)::int as r5
        from (select i, md5('sesame' || i::text) as h from generate_series(${start}::int, ${end}::int) i) g
      ),
      shaped as materialized (
        select b.*,
          -- Libraries differ in size: a city library holds far more patrons than a village one.
          (select ids from libs)[1 + floor(${libraryCount} * power(b.r2::float8 / 268435456, 1.7))::int] as library_id,
          case
            when b.r1 % 1000 < 620 then 'active'
            when b.r1 % 1000 < 840 then 'expired'
            when b.r1 % 1000 < 920 then 'lapsed'
            when b.r1 % 1000 < 967 then 'refused'
            when b.r1 % 1000 < 982 then 'awaiting_confirmation'
            when b.r1 % 1000 < 994 then 'pending'
            else 'renewal_pending'
          end as state,
          case when b.r3 % 5 = 0 then (${textArray(PARTICLES)})[1 + b.r4 % ${PARTICLES.length}] else '' end
            || (${textArray(ROOTS)})[1 + b.r3 % ${ROOTS.length}]
            || (${textArray(SUFFIXES)})[1 + b.r4 % ${SUFFIXES.length}]
            || case when b.r5 % 12 = 0
                 then '-' || (${textArray(ROOTS)})[1 + b.r5 % ${ROOTS.length}]
                   || (${textArray(SUFFIXES)})[1 + (b.r5 / 7) % ${SUFFIXES.length}]
                 else '' end as last_name,
          (${textArray(FIRST_NAMES)})[1 + (b.r1 / 1000) % ${FIRST_NAMES.length}] as first_name,
          date '1935-01-01' + (b.r4 % 30000) as birth_date,
          -- Waiting requests: most are recent, some are left waiting for weeks.
          ${now}::timestamptz - make_interval(secs => power((b.r3 % 10000) / 10000.0, 3) * 20 * 86400) as waiting_since,
          ${now}::timestamptz - make_interval(secs => (b.r3 % 1095) * 86400 + b.r5) as long_ago
        from base b
      ),
      dated as materialized (
        select s.*,
          case s.state
            when 'awaiting_confirmation' then ${now}::timestamptz - make_interval(secs => (s.r4 % (15 * 86400)))
            when 'pending' then s.waiting_since - make_interval(secs => s.r5 * 3)
            when 'lapsed' then ${now}::timestamptz - make_interval(days => 16 + s.r4 % 700)
            else s.long_ago
          end as registered_at
        from shaped s
      )
      insert into patrons (
        library_id, state, channel, last_name, first_name, birth_date, birth_year, email, identifier,
        password_hash, newsletter, card_number, registered_at, email_confirmed_at, pending_since,
        active_until, decision, decided_at, decided_by_label, refusal_reason, anonymised_at,
        created_at, updated_at
      )
      select
        d.library_id,
        d.state,
        case when d.r5 % 10 = 0 then 'staff' else 'self' end,
        case when d.anonymised then null else d.last_name end,
        case when d.anonymised then null else d.first_name end,
        case when d.anonymised then null else d.birth_date end,
        extract(year from d.birth_date)::int,
        case when d.anonymised then null else
          regexp_replace(sesame_fold(d.first_name), '[^a-z0-9]', '', 'g') || '.'
          || regexp_replace(sesame_fold(d.last_name), '[^a-z0-9]', '', 'g')
          -- Unconfirmed online requests have distinct addresses (a unique index says so).
          || case when d.state = 'awaiting_confirmation' then d.i::text
                  when d.r2 % 3 = 0 then (d.i % 100)::text else '' end
          || '@' || (${textArray(DOMAINS)})[1 + d.r4 % ${DOMAINS.length}] end,
        case when d.anonymised then null else
          left(regexp_replace(sesame_fold(d.first_name), '[^a-z0-9]', '', 'g'), 1)
          || regexp_replace(sesame_fold(d.last_name), '[^a-z0-9]', '', 'g') || d.i end,
        case when d.anonymised then null else '$argon2id$v=19$m=19456,t=2,p=1$bench$bench' end,
        d.r5 % 3 = 0,
        case when d.anonymised or d.r1 % 5 >= 2 then null else '57' || lpad(d.i::text, 10, '0') end,
        d.registered_at,
        case when d.state in ('awaiting_confirmation', 'lapsed') then null
             else d.registered_at + make_interval(secs => 600 + d.r5) end,
        case when d.state in ('pending', 'renewal_pending') then d.waiting_since end,
        case d.state
          when 'active' then current_date + (d.r4 % 365)
          when 'renewal_pending' then current_date + (d.r4 % 15)
          when 'expired' then current_date - 1 - (d.r4 % 700)
        end,
        case when d.state in ('active', 'expired', 'renewal_pending') then 'accepted'
             when d.state = 'refused' then 'refused' end,
        case when d.state in ('active', 'expired', 'renewal_pending', 'refused')
             then d.registered_at + make_interval(days => 1 + d.r5 % 6) end,
        case when d.state in ('active', 'expired', 'renewal_pending', 'refused') then 'Agent de la bibliothèque' end,
        case when d.state = 'refused'
             then (${textArray(['refuse_not_member', 'refuse_birth_date', 'refuse_duplicate', 'refuse_other'])})[1 + d.r5 % 4] end,
        case when d.anonymised then d.registered_at + make_interval(days => 15) end,
        d.registered_at,
        d.registered_at
      from (
        select dt.*,
          -- Lapsed requests are purged at once; some old expired accounts were anonymised too.
          (dt.state = 'lapsed' or (dt.state = 'expired' and dt.r4 % 700 > 500)) as anonymised
        from dated dt
      ) d
    `;
}
