/**
 * SIP2 benchmark: SIP2 63 patron information without a password field (what a provider sends
 * to check a card), per second at concurrency 8 with its p95, beside raw argon2id
 * verifications per second measured in the same run (alternating slices, so a noisy machine
 * weighs on both). Target (issue 18): 63 costs less than a tenth of a password check, i.e.
 * ≥ 10× the argon2 rate.
 *
 *   npx tsx bench/sip2.ts                                                        # embedded database
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/sip2.ts   # PostgreSQL
 */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { insertLibrary } from '../src/db/repositories/libraries.js';
import { insertPatron } from '../src/db/repositories/patrons.js';
import { insertResource } from '../src/db/repositories/resources.js';
import { systemClock } from '../src/domain/clock.js';
import { hashPassword, verifyPassword } from '../src/security/passwords.js';
import { startSip2Server } from '../src/sip2/server.js';
import { prepareDatabase } from '../src/startup.js';
import { createSip2Account } from '../src/usecases/sip2/create-account.js';
import { mark, measure, newPhase, percentile, printTable, sliceRate, spread } from './lib/http-bench.js';

const PHASE_MS = Number(process.env.BENCH_MS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_SLICES ?? 5);
const CONCURRENCY = 8;

/** One logged-in SIP2 connection answering one request at a time. */
class Connection {
  private buffer = '';
  private waiting: ((line: string) => void) | null = null;
  constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      const end = this.buffer.indexOf('\r');
      if (end >= 0 && this.waiting) {
        const line = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 1);
        const w = this.waiting;
        this.waiting = null;
        w(line);
      }
    });
  }
  static open(port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(new Connection(s)));
      s.once('error', reject);
    });
  }
  ask(message: string): Promise<string> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.write(`${message}\r`);
    });
  }
  close(): void {
    this.socket.destroy();
  }
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const dataDir = await mkdtemp(join(tmpdir(), 'sesame-bench-sip2-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    SESAME_DEMO: 'false',
    SESAME_SCHEDULER: 'false',
    LOG_LEVEL: 'silent',
  });
  const { database, lock } = await prepareDatabase(config, systemClock);
  const db = database.db;
  const deps = { db, clock: systemClock, baseUrl: config.baseUrl };
  const now = systemClock.now();
  const tag = Math.random().toString(36).slice(2, 8);
  const library = await insertLibrary(db, {
    code: `B${tag}`,
    name: 'Bibliothèque du banc d’essai',
    town: 'Villefictive',
    email: `banc-${tag}@exemple.fr`,
  });
  const resource = await insertResource(db, {
    name: `Films ${tag}`,
    provider: 'Fournisseur fictif',
    description: '',
    kind: 'quota',
    category: 'films',
    audience: 'all',
    connector: 'direct',
    connectorConfig: { urlTemplate: 'https://fournisseur.exemple/{document}' },
    createdAt: now,
    updatedAt: now,
  });
  const passwordHash = await hashPassword('Banc-d-essai-2026!');
  const cards: string[] = [];
  for (let i = 0; i < 50; i++) {
    const card = `9${tag}${String(i).padStart(4, '0')}`.replace(/[a-z]/g, (c) =>
      String(c.charCodeAt(0) % 10),
    );
    cards.push(card);
    await insertPatron(db, {
      libraryId: library.id,
      state: 'active',
      channel: 'staff',
      firstName: 'Camille',
      lastName: `Essai ${i}`,
      birthDate: '1990-01-01',
      birthYear: 1990,
      email: `banc-${tag}-${i}@exemple.fr`,
      identifier: `banc.${tag}.${i}`,
      passwordHash,
      cardNumber: card,
      registeredAt: now,
      activeUntil: '2099-12-31',
      createdAt: now,
      updatedAt: now,
    });
  }
  const admin = {
    kind: 'staff' as const,
    id: '00000000-0000-4000-8000-000000000000',
    name: 'Banc',
    identifier: 'banc',
    role: 'network_admin' as const,
    scope: { all: true as const },
  };
  const account = await createSip2Account(deps, admin, {
    login: `banc-${tag}`,
    resourceId: resource.id,
    allowedIps: '',
    institution: 'BANC',
  });
  const server = await startSip2Server(deps, { port: 0, host: '127.0.0.1' });
  const connections = await Promise.all(
    Array.from({ length: CONCURRENCY }, () => Connection.open(server.port)),
  );
  for (const c of connections) {
    const ok = await c.ask(`9300CN${account.login}|CO${account.password}|`);
    if (ok !== '941') throw new Error(`login refused: ${ok}`);
  }
  let n = 0;
  const date = '20261207    120000';
  const patronInfo = async (w: number) => {
    const card = cards[n++ % cards.length]!;
    const answer = await connections[w]!.ask(`63002${date}          AOBANC|AA${card}|`);
    return answer.startsWith('64') && answer.includes('|BLY|');
  };

  try {
    for (let i = 0; i < 3; i++) await verifyPassword(passwordHash, 'Banc-d-essai-2026!');
    for (let i = 0; i < 50; i++) await patronInfo(0);
    const argon = newPhase('argon2id verify', 2);
    const sip = newPhase('SIP2 63 patron information (no AD)', CONCURRENCY);
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const a = mark(argon);
      await measure(argon, PHASE_MS / ROUNDS, () => verifyPassword(passwordHash, 'Banc-d-essai-2026!'));
      const s = mark(sip);
      await measure(sip, PHASE_MS / ROUNDS, patronInfo);
      ratios.push(sliceRate(sip, s) / sliceRate(argon, a));
    }
    const rate = (p: typeof argon) => p.ok / p.seconds;
    printTable(
      [argon, sip].map((p) => ({
        phase: p.name,
        concurrency: String(p.concurrency),
        'per second': rate(p).toFixed(1),
        'p50 ms': percentile(p.latencies, 50).toFixed(2),
        'p95 ms': percentile(p.latencies, 95).toFixed(2),
        failed: String(p.failed),
        'machine CPU ms/op': (p.machineCpuMs / Math.max(1, p.ok)).toFixed(2),
      })),
    );
    console.log('');
    console.log(`database: ${databaseUrl ? 'PostgreSQL' : 'embedded (PGlite)'}`);
    console.log(`SIP2 63 / argon2 verifications: ${(rate(sip) / rate(argon)).toFixed(1)}× (target ≥ 10×)`);
    console.log(`per slice: ${spread(ratios)}`);
  } finally {
    for (const c of connections) c.close();
    await server.close();
    await database.close();
    lock?.release();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
