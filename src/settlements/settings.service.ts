import { z } from '@hono/zod-openapi';
import { inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { runBatch } from '../db/batch';
import { platformSettings } from '../db/schema';
import type { Actor } from '../env';
import { auditEntry } from '../lib/audit';

/** Platform-wide money settings: fee and commission rates in basis points, days until receipt is assumed. */
export const settingsSchema = z
  .object({
    platformFeeRateBp: z.number().int().min(0).max(5000).openapi({ description: 'Platform fee, basis points of gross (100 = 1%)' }),
    pickupCommissionRateBp: z.number().int().min(0).max(5000).openapi({ description: 'Pickup-point commission, basis points of group-buy pickup sales' }),
    receiptAssumedAfterDays: z.number().int().min(1).max(60),
  })
  .openapi('PlatformSettings');
export type PlatformSettings = z.infer<typeof settingsSchema>;

const DEFAULTS: PlatformSettings = { platformFeeRateBp: 0, pickupCommissionRateBp: 0, receiptAssumedAfterDays: 7 };
const KEYS = Object.keys(DEFAULTS) as (keyof PlatformSettings)[];

export async function getSettings(db: Db): Promise<PlatformSettings> {
  const rows = await db.select().from(platformSettings).where(inArray(platformSettings.key, KEYS));
  const settings = { ...DEFAULTS };
  for (const row of rows) {
    const value = Number(row.value);
    if (Number.isInteger(value) && row.key in settings) settings[row.key as keyof PlatformSettings] = value;
  }
  return settings;
}

/** Changes some settings and records before/after in the audit log, in one batch. */
export async function updateSettings(db: Db, actor: Actor, patch: Partial<PlatformSettings>, now = Date.now()): Promise<PlatformSettings> {
  const before = await getSettings(db);
  const after = { ...before, ...patch };
  const changed = KEYS.filter((k) => patch[k] !== undefined);
  if (changed.length === 0) return before;
  await runBatch(db, [
    ...changed.map((key) =>
      db
        .insert(platformSettings)
        .values({ key, value: String(after[key]), updatedAt: now })
        .onConflictDoUpdate({ target: platformSettings.key, set: { value: String(after[key]), updatedAt: now } }),
    ),
    auditEntry(db, { actor, action: 'settings.update', entityType: 'platform_settings', entityId: 'platform', before, after, at: now }),
  ]);
  return after;
}
