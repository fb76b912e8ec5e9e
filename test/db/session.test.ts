import { createExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { seedDatabase } from '../helpers/seed';

beforeAll(seedDatabase);

const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;

/** Calls the worker with a D1 binding that records how each request opened its session. */
async function sessionsOpenedBy(request: Request): Promise<{ constraints: string[]; res: Response }> {
  const constraints: string[] = [];
  const DB = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === 'withSession') {
        return (constraint: string) => {
          constraints.push(constraint);
          return target.withSession(constraint);
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const res = await worker.fetch(request, { ...env, DB }, createExecutionContext());
  return { constraints, res };
}

describe('D1 sessions (read replication)', () => {
  it('Should let a plain read start at any replica, and a write at the primary', async () => {
    expect((await sessionsOpenedBy(new Request('http://localhost/api/v1/products?limit=1'))).constraints).toEqual(['first-unconstrained']);
    const write = await sessionsOpenedBy(new Request('http://localhost/api/v1/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));
    expect(write.res.status).toBe(400);
    expect(write.constraints).toEqual(['first-primary']);
  });

  it("Should continue from the client's bookmark, by cookie or header, so a reader sees its own writes", async () => {
    const bookmark = '00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683';
    const byHeader = await sessionsOpenedBy(new Request('http://localhost/api/v1/products?limit=1', { headers: { 'x-d1-bookmark': bookmark } }));
    expect(byHeader.constraints).toEqual([bookmark]);
    const byCookie = await sessionsOpenedBy(new Request('http://localhost/products', { headers: { cookie: `shanhai_d1=${bookmark}` } }));
    expect(byCookie.constraints).toEqual([bookmark]);
    // A write goes to the primary whatever bookmark it carries: nothing is fresher.
    const write = await sessionsOpenedBy(new Request('http://localhost/api/v1/orders', { method: 'POST', headers: { 'content-type': 'application/json', 'x-d1-bookmark': bookmark }, body: '{}' }));
    expect(write.constraints).toEqual(['first-primary']);
  });

  it('Should ignore a bookmark that is not one, instead of handing it to D1', async () => {
    for (const forged of ['garbage', "0' OR 1=1", 'x'.repeat(4000), '00000085-0000024c-00004c6d-ZZ']) {
      const { constraints, res } = await sessionsOpenedBy(new Request('http://localhost/api/v1/products?limit=1', { headers: { 'x-d1-bookmark': forged } }));
      expect(res.status).toBe(200);
      expect(constraints).toEqual(['first-unconstrained']);
    }
  });

  it('Should hand the bookmark back in a header, and as a cookie only after a write', async () => {
    // A URL no earlier test read: answered by D1, not from the public-read cache (which has no session to hand back).
    const read = await exports.default.fetch('http://localhost/api/v1/products?limit=3');
    expect(read.headers.get('x-d1-bookmark')).toMatch(BOOKMARK);
    expect(read.headers.get('set-cookie') ?? '').not.toContain('shanhai_d1=');

    const write = await exports.default.fetch('http://localhost/cart/items', {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
      body: 'productId=prd_xw_ham_002&quantity=1',
    });
    expect(write.status).toBe(303);
    const cookie = write.headers.getSetCookie().find((c) => c.startsWith('shanhai_d1='));
    expect(cookie).toMatch(/^shanhai_d1=[0-9a-f-]+; Max-Age=300; Path=\/; HttpOnly; SameSite=Lax$/);
  });
});
