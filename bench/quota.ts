import { availableParallelism, cpus } from 'node:os';
import { sql } from 'drizzle-orm';
import { type Database, queryRows } from '../src/db/client.js';
import { insertLibrary } from '../src/db/repositories/libraries.js';
import { getNetwork } from '../src/db/repositories/network.js';
import { insertResource, type ResourceRow } from '../src/db/repositories/resources.js';
import { patrons } from '../src/db/schema.js';
import type { PatronActor } from '../src/domain/actor.js';
import { systemClock } from '../src/domain/clock.js';
import { ResourceRefusal } from '../src/domain/resource-access.js';
import { QUOTA_CATEGORIES, type QuotaCategory, quotaLimit } from '../src/domain/resources.js';
import type { Deps } from '../src/usecases/deps.js';
import { ensureNetwork } from '../src/usecases/network/bootstrap.js';
import { openDocument } from '../src/usecases/resources/open-document.js';
import { machineCpuMs } from './lib/http-bench.js';
import { openThrowaway } from './lib/throwaway-db.js';

const BENCH_DB = 'sesame_bench_quota';
const ATTEMPTS = Number(process.env.BENCH_ATTEMPTS ?? 10_000);
const PATRONS = Number(process.env.BENCH_PATRONS ?? 1_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 4);
const DOCUMENTS = 12;
const CAP = 1_500;

async function seed(db: Database['db']): Promise<{ actors: PatronActor[]; resources: ResourceRow[] }> {
  const now = new Date();
  const library = await insertLibrary(db, {
    code: 'BENCH',
    name: 'Bibliothèque du banc d’essai',
    town: 'Villefictive',
    email: 'banc@exemple.fr',
  });
  const actors: PatronActor[] = [];
  for (let start = 0; start < PATRONS; start += 500) {
    const batch = Array.from({ length: Math.min(500, PATRONS - start) }, (_, k) => {
      const i = start + k;
      return {
        libraryId: library.id,
        state: 'active' as const,
        channel: 'self' as const,
        firstName: 'Usager',
        lastName: `Essai ${i}`,
        birthDate: '1985-05-17',
        birthYear: 1985,
        email: `usager.${i}@exemple.fr`,
        identifier: `usager.bench.${i}`,
        registeredAt: now,
        activeUntil: '2999-12-31',
        createdAt: now,
        updatedAt: now,
      };
    });
    const rows = await db.insert(patrons).values(batch).returning({ id: patrons.id });
    for (const r of rows)
      actors.push({
        kind: 'patron',
        id: r.id,
        firstName: 'Usager',
        lastName: 'Essai',
        identifier: 'x',
        state: 'active',
        libraryId: library.id,
      });
  }
  const resources: ResourceRow[] = [];
  const base = {
    provider: 'Fournisseur du banc d’essai',
    description: '',
    kind: 'quota' as const,
    connector: 'signed_link' as const,
    connectorConfig: {
      urlTemplate: 'https://fournisseur.exemple.fr/{document}',
      secret: 'cle-du-banc-d-essai-0123456789',
    },
    createdAt: now,
    updatedAt: now,
  };
  for (const category of QUOTA_CATEGORIES)
    resources.push(await insertResource(db, { ...base, name: `Forfait ${category}`, category }));
  if (!process.env.BENCH_NO_CAP)
    resources.push(
      await insertResource(db, {
        ...base,
        name: 'Films plafonnés',
        category: 'films',
        capPeriod: 'month',
        capLimit: CAP,
      }),
    );
  await db.execute(sql`vacuum analyze`);
  return { actors, resources };
}

/**
 * What one opening costs when each opening goes alone: read the patron (one round trip), then
 * write one row and commit (one round trip), from this process over the same pools at the same
 * concurrency. Sésame's opening does more (rights, quota and cap rows, the consultation) but
 * sends openings in batches (src/db/batcher.ts): above this line is what batching buys.
 */
async function measureFloor(databases: Database[], patronIds: string[]): Promise<number> {
  const first = databases[0]!.db;
  await first.execute(
    sql`create table if not exists bench_floor (id bigserial primary key, patron_id uuid not null, at timestamptz not null)`,
  );
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      const db = databases[worker % databases.length]!.db;
      for (;;) {
        const i = next++;
        if (i >= patronIds.length) return;
        const id = patronIds[i]!;
        await db.execute(sql`select id, state, library_id from patrons where id = ${id}`);
        await db.execute(sql`insert into bench_floor (patron_id, at) values (${id}, now())`);
      }
    }),
  );
  const rate = patronIds.length / ((performance.now() - started) / 1000);
  await first.execute(sql`drop table bench_floor`);
  return rate;
}

async function main() {
  const { databases, label, cleanup } = await openThrowaway(BENCH_DB, { poolSize: 10, instances: INSTANCES });
  try {
    const first = databases[0]!;
    await first.migrate();
    await ensureNetwork({ db: first.db }, 'numos');
    const { actors, resources } = await seed(first.db);
    const deps: Deps[] = databases.map((d) => ({
      db: d.db,
      clock: systemClock,
      baseUrl: 'http://bench.invalid',
    }));
    const settings = (await getNetwork(first.db)).settings;

    console.log(`Sésame quota benchmark — ${label}`);
    console.log(
      `${ATTEMPTS} attempts, ${actors.length} patrons, ${resources.length} resources × ${DOCUMENTS} documents, concurrency ${CONCURRENCY}`,
    );
    console.log(`Node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model ?? '?'})`);

    // Warm-up on other patrons' behalf is avoided: it would change the figures checked below.
    const outcomes = { counted: 0, again: 0, quota: 0, cap: 0, other: 0 };
    let next = 0;
    let seedState = 42;
    const random = () => {
      seedState = (seedState * 1103515245 + 12345) & 0x7fffffff;
      return seedState / 0x7fffffff;
    };
    const plan = Array.from({ length: ATTEMPTS }, () => ({
      actor: actors[Math.floor(random() * actors.length)]!,
      resource: resources[Math.floor(random() * resources.length)]!,
      document: `doc-${Math.floor(random() * DOCUMENTS)}`,
    }));
    const latencies: number[] = [];
    const cpuBefore = process.cpuUsage();
    const machineBefore = machineCpuMs();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, worker) => {
        const d = deps[worker % deps.length]!;
        for (;;) {
          const i = next++;
          if (i >= plan.length) return;
          const a = plan[i]!;
          const t0 = performance.now();
          try {
            const out = await openDocument(d, a.actor, { resourceId: a.resource.id, document: a.document });
            if (out.counted) outcomes.counted++;
            else outcomes.again++;
          } catch (e) {
            if (e instanceof ResourceRefusal && e.code === 'quota_reached') outcomes.quota++;
            else if (e instanceof ResourceRefusal && e.code === 'cap_reached') outcomes.cap++;
            else {
              outcomes.other++;
              if (outcomes.other <= 3) console.error(e);
            }
          }
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const machineMs = machineCpuMs() - machineBefore;
    const floor = await measureFloor(
      databases,
      plan.map((a) => a.actor.id),
    );
    latencies.sort((x, y) => x - y);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]!;

    // Overdraws, from the database: every figure must agree with every other.
    const limits = Object.fromEntries(QUOTA_CATEGORIES.map((c) => [c, quotaLimit(settings, c)])) as Record<
      QuotaCategory,
      number
    >;
    const over = await queryRows<{ n: number }>(
      first.db,
      sql`select count(*)::int as n from quota_usage q where q.used > case q.category
            when 'films' then ${limits.films}::int when 'books' then ${limits.books}::int
            when 'magazines' then ${limits.magazines}::int else ${limits.newspapers}::int end`,
    );
    const mismatch = await queryRows<{ n: number }>(
      first.db,
      sql`select count(*)::int as n from quota_usage q full join (
            select patron_id, category, month, count(*)::int as c from consultations
            where counted and kind = 'quota' group by 1, 2, 3) k
          on k.patron_id = q.patron_id and k.category = q.category and k.month = q.month
          where coalesce(q.used, 0) <> coalesce(k.c, 0)`,
    );
    const caps = await queryRows<{ used: number; counted: number }>(
      first.db,
      sql`select c.used, (select count(*)::int from consultations k where k.resource_id = c.resource_id and k.counted) as counted
          from cap_usage c`,
    );
    const capOver = caps.filter((c) => c.used > CAP || c.used !== c.counted).length;
    const duplicates = await queryRows<{ n: number }>(
      first.db,
      sql`select count(*)::int as n from (select 1 from consultations where counted
            group by patron_id, resource_id, document, month having count(*) > 1) d`,
    );
    const overdraws = over[0]!.n + mismatch[0]!.n + capOver + duplicates[0]!.n;

    console.log('');
    console.log(`Wall time:            ${seconds.toFixed(2)} s`);
    console.log(`Attempts per second:  ${Math.round(ATTEMPTS / seconds)}`);
    console.log(`Latency per attempt:  p50 ${pct(50).toFixed(1)} ms, p95 ${pct(95).toFixed(1)} ms`);
    console.log(
      `CPU per attempt:      ${(machineMs / ATTEMPTS).toFixed(2)} ms for the whole machine (database included), of which ${((cpu.user + cpu.system) / 1000 / ATTEMPTS).toFixed(2)} ms in this process; ${(machineMs / (seconds * 1000) / availableParallelism()).toLocaleString('en', { style: 'percent' })} of the machine busy`,
    );
    console.log(
      `Outcomes:             ${outcomes.counted} counted, ${outcomes.again} reopened (not counted), ${outcomes.quota} refused (quota), ${outcomes.cap} refused (cap), ${outcomes.other} other errors`,
    );
    console.log(
      `Unbatched floor:      ${Math.round(floor)} attempts/s for the least an opening could be if each went alone (one read by primary key, then one single-row insert committed), same pools, same concurrency`,
    );
    console.log(`Cap of “Films plafonnés”: ${caps[0]?.used ?? 0} / ${CAP}`);
    console.log(
      `Overdraws:            ${overdraws} (quota over limit ${over[0]!.n}, quota counters ≠ consultations ${mismatch[0]!.n}, caps over or ≠ ${capOver}, documents counted twice ${duplicates[0]!.n})`,
    );
  } finally {
    if (process.env.BENCH_KEEP) for (const d of databases) await d.close();
    else await cleanup();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
