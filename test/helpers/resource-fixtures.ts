import { and, eq, sql } from 'drizzle-orm';
import { insertResource, type NewResource, type ResourceRow } from '../../src/db/repositories/resources.js';
import { capUsage, consultations, quotaUsage } from '../../src/db/schema.js';
import type { TestContext } from './app.js';

/** Made-up resources for the resource tests; the provider is the built-in demo page. */
let counter = 0;
export const DEMO_SECRET = 'secret-de-test-pour-les-liens-signes-0123456789';

export async function addResource(
  ctx: Pick<TestContext, 'database' | 'clock'>,
  values: Partial<NewResource> = {},
): Promise<ResourceRow> {
  counter++;
  const now = ctx.clock.now();
  const kind = values.kind ?? 'quota';
  return insertResource(ctx.database.db, {
    name: `Ressource d’essai ${counter}`,
    provider: 'Fournisseur fictif',
    description: 'Une ressource inventée pour les essais.',
    kind,
    category: kind === 'quota' ? 'films' : null,
    audience: 'all',
    connector: 'signed_link',
    connectorConfig: {
      urlTemplate: 'http://sesame.test/fournisseur-demo/{resource}/{document}',
      secret: DEMO_SECRET,
    },
    createdAt: now,
    updatedAt: now,
    ...values,
  });
}

export async function countedOf(ctx: Pick<TestContext, 'database'>, patronId: string): Promise<number> {
  const [row] = await ctx.database.db
    .select({ n: sql<number>`count(*)::int` })
    .from(consultations)
    .where(and(eq(consultations.patronId, patronId), eq(consultations.counted, true)));
  return row!.n;
}

export async function consultationCount(ctx: Pick<TestContext, 'database'>): Promise<number> {
  const [row] = await ctx.database.db.select({ n: sql<number>`count(*)::int` }).from(consultations);
  return row!.n;
}

export async function quotaUsed(
  ctx: Pick<TestContext, 'database'>,
  patronId: string,
  month: string,
  category: 'films' | 'books' | 'magazines' | 'newspapers' = 'films',
): Promise<number> {
  const [row] = await ctx.database.db
    .select({ used: quotaUsage.used })
    .from(quotaUsage)
    .where(
      and(eq(quotaUsage.patronId, patronId), eq(quotaUsage.month, month), eq(quotaUsage.category, category)),
    );
  return row?.used ?? 0;
}

export async function capUsed(ctx: Pick<TestContext, 'database'>, resourceId: string, period: string) {
  const [row] = await ctx.database.db
    .select()
    .from(capUsage)
    .where(and(eq(capUsage.resourceId, resourceId), eq(capUsage.period, period)));
  return row ?? null;
}
