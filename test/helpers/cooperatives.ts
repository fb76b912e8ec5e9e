import { env } from 'cloudflare:workers';
import { demoCooperativeIds } from '../../seeds/seed';
import { newUser } from './http';

/** The demo cooperatives: A (Xuanwei ham, staffed by coopStaffA) and B (rice, staffed by coopStaffB). */
export const coops = demoCooperativeIds();

let counter = 0;

/**
 * A cooperative awaiting verification (status pending, bound to Xuanwei) and a staff member's token.
 */
export async function pendingCooperative(): Promise<{ cooperativeId: string; token: string; userId: string }> {
  counter += 1;
  const user = await newUser('Pending coop clerk');
  const cooperativeId = `org_test_pending_${counter}_${crypto.randomUUID().slice(0, 6)}`;
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO organization (id, name, slug, kind, status, county_id, created_at) VALUES (?, ?, ?, 'cooperative', 'pending', 'xuanwei', ?)`,
    ).bind(cooperativeId, `待审核合作社${counter}`, cooperativeId, now),
    env.DB.prepare(`INSERT INTO member (id, organization_id, user_id, role, created_at) VALUES (?, ?, ?, 'owner', ?)`).bind(
      `mem_${cooperativeId}`,
      cooperativeId,
      user.id,
      now,
    ),
  ]);
  return { cooperativeId, token: user.token, userId: user.id };
}

/** A valid product body for POST /products. */
export function productBody(cooperativeId: string, overrides: Record<string, unknown> = {}) {
  counter += 1;
  return {
    cooperativeId,
    sku: `T-${counter}-${crypto.randomUUID().slice(0, 6)}`,
    nameZh: '测试火腿',
    nameEn: 'Test ham',
    category: 'ham',
    unitZh: '只',
    unitEn: 'leg',
    unitPriceFen: 10000,
    priceTiers: [
      { minQuantity: 5, unitPriceFen: 9500 },
      { minQuantity: 20, unitPriceFen: 9000 },
    ],
    stock: 10,
    ...overrides,
  };
}

/** The smallest valid images of each accepted format (real files, so sniffing sees real signatures). */
export const images = {
  png: Uint8Array.from(
    atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='),
    (c) => c.charCodeAt(0),
  ),
  jpeg: Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xd9]),
  webp: Uint8Array.from([0x52, 0x49, 0x46, 0x46, 0x1a, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x4c, 0x0d, 0x00, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x00, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07, 0x00]),
};
