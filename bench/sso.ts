/**
 * Single sign-on benchmark (issue #18): what a provider's check costs next to a password check.
 *
 *   npx tsx bench/sso.ts                 # PGlite (embedded), 10 s per phase
 *   DATABASE_URL=postgres://… npx tsx bench/sso.ts
 *   BENCH_SECONDS=5 npx tsx bench/sso.ts
 *
 * In one run, on one app listening on 127.0.0.1:
 *   - raw argon2id verifications per second (verifyPassword, one per core at a time), before and
 *     after the protocol phases (their mean is the baseline);
 *   - each protocol's section, at concurrency 8, with p50/p95: CAS `serviceValidate` (tickets
 *     issued beforehand straight into the table, each validated once over HTTP, with attributes),
 *     and CAS `/cas/login` with a session (the checks of an opening, a consultation, a ticket).
 * Target: each provider check costs less than a tenth of a password check, i.e. ≥ 10× the
 * argon2 verifications per second.
 *
 * Other protocols add a section to SECTIONS (see `BenchSection` and `BenchEnv`): SIP2's
 * "63 patron information without a password" belongs there.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config.js';
import { newServiceTicket } from '../src/connectors/cas/protocol.js';
import type { Db } from '../src/db/client.js';
import { insertLibrary } from '../src/db/repositories/libraries.js';
import { insertPatron } from '../src/db/repositories/patrons.js';
import { insertResource } from '../src/db/repositories/resources.js';
import { insertSession } from '../src/db/repositories/sessions.js';
import { casTickets } from '../src/db/schema.js';
import { systemClock } from '../src/domain/clock.js';
import { hashPassword, verifyPassword } from '../src/security/passwords.js';
import { newSecretToken, sha256 } from '../src/security/tokens.js';
import { prepareDatabase } from '../src/startup.js';
import { saveCasServiceConfig } from '../src/usecases/cas/cas-service-admin.js';
import { buildApp } from '../src/web/app.js';
import { Client, measure, newPhase, type Phase, percentile, printTable } from './lib/http-bench.js';

const PHASE_MS = Number(process.env.BENCH_SECONDS ?? 10) * 1000;
const CONCURRENCY = 8;

/** What a section may use: the listening app, its database, a patron of the network. */
export interface BenchEnv {
  base: string;
  db: Db;
  phaseMs: number;
  concurrency: number;
  /** An active patron of an active library, with a password the section may check. */
  patron: { id: string; identifier: string; password: string; libraryId: string };
}

/** One protocol's figures: its phases, each compared with argon2 (`headline` ones to the target). */
export interface BenchSection {
  name: string;
  run(env: BenchEnv): Promise<Array<{ phase: Phase; headline: boolean }>>;
}

const SERVICE_PREFIX = 'https://fournisseur-banc.example/';
const SERVICE = `${SERVICE_PREFIX}catalogue`;

/** CAS: serviceValidate (the provider's check), then /cas/login with a session (the hand-off). */
export const casSection: BenchSection = {
  name: 'CAS 3.0',
  async run(env) {
    const now = systemClock.now();
    const resource = await insertResource(env.db, {
      name: 'Ressource du banc CAS',
      provider: 'Fournisseur du banc',
      description: '',
      kind: 'unlimited',
      category: null,
      audience: 'all',
      connector: 'direct',
      connectorConfig: { urlTemplate: SERVICE },
      createdAt: now,
      updatedAt: now,
    });
    const admin = {
      kind: 'staff' as const,
      id: '00000000-0000-4000-8000-000000000000',
      name: 'Banc',
      identifier: 'banc',
      role: 'network_admin' as const,
      scope: { all: true as const },
    };
    await saveCasServiceConfig({ db: env.db, clock: systemClock, baseUrl: env.base }, admin, resource.id, {
      enabled: true,
      servicePrefix: SERVICE_PREFIX,
      attributes: ['nom', 'prenom', 'categorie_age', 'bibliotheque', 'fin_abonnement'],
      ticketSeconds: 300,
    });

    // Enough tickets for a generous rate over the phase, written in bulk beforehand: the phase
    // measures validation alone.
    const count = Math.max(20_000, Math.ceil((PHASE_MS / 1000) * 4000));
    const tickets: string[] = [];
    const expiresAt = new Date(now.getTime() + 3_600_000);
    for (let start = 0; start < count; start += 1000) {
      const rows = [];
      for (let i = start; i < Math.min(count, start + 1000); i++) {
        const ticket = newServiceTicket();
        tickets.push(ticket);
        rows.push({
          hash: sha256(ticket),
          resourceId: resource.id,
          patronId: env.patron.id,
          service: SERVICE,
          fromNewLogin: false,
          createdAt: now,
          expiresAt,
        });
      }
      await env.db.insert(casTickets).values(rows);
    }
    const clients = Array.from({ length: env.concurrency }, () => new Client(env.base));
    const service = encodeURIComponent(SERVICE);
    let next = 0;
    // Warm-up (not counted): JIT, pools, the prepared statements.
    for (let i = 0; i < 50; i++)
      await clients[0]!.get(`/cas/p3/serviceValidate?service=${service}&ticket=${tickets[next++]}`);
    const validate = newPhase('CAS /cas/p3/serviceValidate', env.concurrency);
    await measure(validate, env.phaseMs, async (w) => {
      const ticket = tickets[next++];
      if (!ticket) return false;
      const res = await clients[w]!.get(`/cas/p3/serviceValidate?service=${service}&ticket=${ticket}`);
      return res.status === 200 && res.body.includes('<cas:authenticationSuccess>');
    });
    if (next >= tickets.length) console.log('CAS: ran out of pre-issued tickets; raise their number.');

    // The patron's side: a session, then /cas/login → 303 to the service with a ticket.
    const token = newSecretToken();
    await insertSession(env.db, {
      idHash: sha256(token),
      principalKind: 'patron',
      principalId: env.patron.id,
      createdAt: now,
      lastSeenAt: now,
      ip: '127.0.0.1',
      userAgent: 'bench',
    });
    const login = newPhase('CAS /cas/login (session → ticket)', env.concurrency);
    const withSession = clients.map((c) => {
      (c as unknown as { cookies: Map<string, string> }).cookies.set('sesame_session', token);
      return c;
    });
    await measure(login, env.phaseMs, async (w) => {
      const res = await withSession[w]!.get(`/cas/login?service=${service}`);
      return res.status === 303 && Boolean(res.location?.includes('ticket=ST-'));
    });
    for (const c of clients) c.close();
    return [
      { phase: validate, headline: true },
      { phase: login, headline: false },
    ];
  },
};

/**
 * The protocols measured, in order. SIP2: add `sip2Section` here (a TCP client at concurrency
 * `env.concurrency`, 63 patron information without a password field, one phase marked headline).
 */
export const SECTIONS: BenchSection[] = [casSection];

async function argonPhase(name: string, hash: string, password: string): Promise<Phase> {
  const phase = newPhase(name, availableParallelism());
  await measure(phase, PHASE_MS, () => verifyPassword(hash, password));
  return phase;
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const config = loadConfig({
    DATA_DIR: await mkdtemp(join(tmpdir(), 'sesame-bench-sso-')),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    SESAME_DEMO: 'false',
    SESAME_SCHEDULER: 'false',
    LOG_LEVEL: 'silent',
    PORT: '0',
  });
  const { database } = await prepareDatabase(config, systemClock);
  const db = database.db;
  const app = await buildApp({ config, database, clock: systemClock });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no listening address');
  const base = `http://127.0.0.1:${address.port}`;

  const now = systemClock.now();
  const suffix = randomBytes(4).toString('hex');
  const library = await insertLibrary(db, {
    code: `B${suffix}`,
    name: 'Bibliothèque du banc',
    town: 'Villefictive',
    email: `banc-${suffix}@exemple.fr`,
  });
  const password = 'Banc-d-essai-2026!';
  const hash = await hashPassword(password);
  const patron = await insertPatron(db, {
    libraryId: library.id,
    state: 'active',
    channel: 'self',
    firstName: 'Zoé',
    lastName: 'Banc-d’Essai',
    birthDate: '1990-07-14',
    birthYear: 1990,
    email: `usager-banc-${suffix}@exemple.fr`,
    identifier: `usager.banc.${suffix}`,
    passwordHash: hash,
    activeUntil: '2099-12-31',
    registeredAt: now,
    emailConfirmedAt: now,
    createdAt: now,
    updatedAt: now,
  });
  const env: BenchEnv = {
    base,
    db,
    phaseMs: PHASE_MS,
    concurrency: CONCURRENCY,
    patron: { id: patron.id, identifier: patron.identifier!, password, libraryId: library.id },
  };

  try {
    for (let i = 0; i < 3; i++) await verifyPassword(hash, password);
    const before = await argonPhase('argon2id verify (before)', hash, password);
    const results: Array<{ section: string; phase: Phase; headline: boolean }> = [];
    for (const section of SECTIONS)
      for (const r of await section.run(env)) results.push({ section: section.name, ...r });
    const after = await argonPhase('argon2id verify (after)', hash, password);

    const rate = (p: Phase) => p.ok / p.seconds;
    const argon = (rate(before) + rate(after)) / 2;
    const driver = databaseUrl ? 'PostgreSQL' : 'PGlite (embedded)';
    console.log(`\nSésame single sign-on benchmark — ${driver}, Node ${process.version}`);
    console.log(
      `${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${PHASE_MS / 1000} s per phase\n`,
    );
    printTable(
      [before, ...results.map((r) => r.phase), after].map((p) => ({
        phase: p.name,
        conc: String(p.concurrency),
        ok: String(p.ok),
        failed: String(p.failed),
        'per second': rate(p).toFixed(1),
        'p50 ms': percentile(p.latencies, 50).toFixed(1),
        'p95 ms': percentile(p.latencies, 95).toFixed(1),
        '× argon2': (rate(p) / argon).toFixed(1),
      })),
    );
    console.log(`\nargon2id baseline: ${argon.toFixed(1)} verifications/s (mean of before and after)`);
    for (const r of results.filter((x) => x.headline)) {
      const ratio = rate(r.phase) / argon;
      console.log(
        `${r.section}: ${r.phase.name} = ${ratio.toFixed(1)} × argon2 (target ≥ 10: ${ratio >= 10 ? 'met' : 'NOT met'}), p95 ${percentile(r.phase.latencies, 95).toFixed(1)} ms`,
      );
    }
    if (results.some((r) => r.phase.failed > 0))
      console.log('Some requests did not get the expected answer: the figures above are not trustworthy.');
  } finally {
    await app.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
