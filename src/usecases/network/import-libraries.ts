import { recordEvent } from '../../db/repositories/events.js';
import { upsertLibraries } from '../../db/repositories/libraries.js';
import type { StaffActor } from '../../domain/actor.js';
import { parseLibraryCsv } from '../../domain/library-csv.js';
import type { Deps } from '../deps.js';

export type ImportReport =
  | { ok: true; created: number; updated: number }
  | { ok: false; errors: Array<{ line: number; message: string }> };

/** Imports a libraries CSV in one transaction: all lines or none. Existing codes are updated. */
export async function importLibraries(
  deps: Deps,
  actor: StaffActor | null,
  content: Buffer | string,
): Promise<ImportReport> {
  const parsed = parseLibraryCsv(content);
  if (!parsed.ok) return parsed;
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const counts = await upsertLibraries(tx, parsed.rows, now);
    await recordEvent(tx, {
      at: now,
      actor: actor ?? { kind: 'system', label: 'Ligne de commande' },
      action: 'libraries_imported',
      subject: { kind: 'network', id: '1' },
      data: counts,
    });
    return { ok: true as const, ...counts };
  });
}
