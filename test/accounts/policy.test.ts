import { env } from 'cloudflare:workers';
import { Hono, type Context } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import type { Actor, AppEnv, Membership } from '../../src/env';
import { handleError } from '../../src/lib/errors';
import {
  canPublishProducts,
  canUseInvoiceTerms,
  exceedsPurchaserLimit,
  requireInvoiceTerms,
  requireVerifiedCooperativeStaff,
  rolesForKind,
} from '../../src/accounts/policy';
import { seedDatabase } from '../helpers/seed';
import { newOrganization, orgIds } from '../helpers/accounts';

beforeAll(seedDatabase);

describe('organisation capabilities', () => {
  const buyer = { kind: 'canteen' as const, status: 'verified' as const, paymentTermsDays: 30, creditLimitFen: 100 };

  it('Should grant invoice terms only to a verified buyer with days and a limit', () => {
    expect(canUseInvoiceTerms(buyer)).toBe(true);
    expect(canUseInvoiceTerms({ ...buyer, status: 'pending' })).toBe(false);
    expect(canUseInvoiceTerms({ ...buyer, status: 'suspended' })).toBe(false);
    expect(canUseInvoiceTerms({ ...buyer, paymentTermsDays: 0 })).toBe(false);
    expect(canUseInvoiceTerms({ ...buyer, creditLimitFen: 0 })).toBe(false);
    expect(canUseInvoiceTerms({ ...buyer, kind: 'cooperative' })).toBe(false);
  });

  it('Should let only a verified cooperative publish products', () => {
    expect(canPublishProducts({ kind: 'cooperative', status: 'verified' })).toBe(true);
    expect(canPublishProducts({ kind: 'cooperative', status: 'pending' })).toBe(false);
    expect(canPublishProducts({ kind: 'cooperative', status: 'suspended' })).toBe(false);
    expect(canPublishProducts({ kind: 'showroom', status: 'verified' })).toBe(false);
  });

  it("Should hold a purchaser to their per-order limit, and nobody else", () => {
    expect(exceedsPurchaserLimit({ role: 'purchaser', perOrderLimitFen: 1000 }, 1001)).toBe(true);
    expect(exceedsPurchaserLimit({ role: 'purchaser', perOrderLimitFen: 1000 }, 1000)).toBe(false);
    expect(exceedsPurchaserLimit({ role: 'purchaser', perOrderLimitFen: null }, 10 ** 9)).toBe(false);
    expect(exceedsPurchaserLimit({ role: 'owner', perOrderLimitFen: 1 }, 10 ** 9)).toBe(false);
    expect(exceedsPurchaserLimit(null, 10 ** 9)).toBe(false);
  });

  it('Should give buyers owner/purchaser/member and cooperatives owner/staff', () => {
    expect(rolesForKind('canteen')).toEqual(['owner', 'purchaser', 'member']);
    expect(rolesForKind('showroom')).toEqual(['owner', 'purchaser', 'member']);
    expect(rolesForKind('cooperative')).toEqual(['owner', 'staff']);
  });
});

/** A tiny app that runs one policy guard for a given actor, so the guards are tested without the routes. */
function guardApp(actor: Actor | null, guard: (c: Context<AppEnv>) => Promise<unknown>) {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('db', createDb(env.DB));
    c.set('actor', actor);
    await next();
  });
  app.get('/', async (c) => c.json((await guard(c)) ?? null));
  app.onError(handleError);
  return (e = env) => app.request('/', {}, e);
}

const membership = (organizationId: string, over: Partial<Membership>): Membership => ({
  organizationId,
  organizationName: 'x',
  kind: 'cooperative',
  status: 'verified',
  role: 'staff',
  countyId: null,
  perOrderLimitFen: null,
  ...over,
});
const actor = (memberships: Membership[], isAdmin = false): Actor => ({ userId: 'u', email: 'u@x', name: 'u', isAdmin, sessionId: 's', memberships });

describe('requireVerifiedCooperativeStaff', () => {
  const guard = (coopId: string) => (c: Context<AppEnv>) => requireVerifiedCooperativeStaff(c, coopId);

  it('Should pass staff of a verified cooperative', async () => {
    const res = await guardApp(actor([membership(orgIds.coopA, {})]), guard(orgIds.coopA))();
    expect(res.status).toBe(200);
  });

  it('Should refuse staff of a pending cooperative (403)', async () => {
    const res = await guardApp(actor([membership('org_x', { status: 'pending' })]), guard('org_x'))();
    expect(res.status).toBe(403);
  });

  it('Should answer 404 to staff of another cooperative and 401 to a guest', async () => {
    expect((await guardApp(actor([membership(orgIds.coopB, {})]), guard(orgIds.coopA))()).status).toBe(404);
    expect((await guardApp(null, guard(orgIds.coopA))()).status).toBe(401);
  });

  it('Should hold an admin to the cooperative being verified too', async () => {
    const pending = await newOrganization('cooperative');
    expect((await guardApp(actor([], true), guard(pending.id))()).status).toBe(403);
    expect((await guardApp(actor([], true), guard(orgIds.coopA))()).status).toBe(200);
    expect((await guardApp(actor([], true), guard(orgIds.canteen))()).status).toBe(404);
  });
});

describe('requireInvoiceTerms', () => {
  const guard = (orgId: string) => (c: Context<AppEnv>) => requireInvoiceTerms(c, orgId);

  it("Should give the seeded canteen's purchaser the terms and their own limit", async () => {
    const res = await guardApp(actor([membership(orgIds.canteen, { kind: 'canteen', role: 'purchaser', perOrderLimitFen: 2_000_000 })]), guard(orgIds.canteen))();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ organizationId: orgIds.canteen, paymentTermsDays: 30, creditLimitFen: 20_000_000, perOrderLimitFen: 2_000_000 });
  });

  it('Should refuse an unverified buyer (403) even with terms written in its row', async () => {
    const org = await newOrganization('canteen');
    await env.DB.prepare('UPDATE organization SET payment_terms_days = 30, credit_limit_fen = 100000 WHERE id = ?').bind(org.id).run();
    const res = await guardApp(actor([membership(org.id, { kind: 'canteen', status: 'pending', role: 'owner' })]), guard(org.id))();
    expect(res.status).toBe(403);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/verified/);
  });

  it('Should refuse a plain member (403) and outsiders (404)', async () => {
    expect((await guardApp(actor([membership(orgIds.canteen, { kind: 'canteen', role: 'member' })]), guard(orgIds.canteen))()).status).toBe(403);
    expect((await guardApp(actor([]), guard(orgIds.canteen))()).status).toBe(404);
  });
});
