import { beforeAll, describe, expect, it } from 'vitest';
import { call } from './http';
import { MATRIX_ROLES, matrixTokens, orgIds, type MatrixRole } from './accounts';
import { seedDatabase } from './seed';

/**
 * A table-driven authorisation matrix: each row is one protected route and the exact status every
 * actor gets. Other domains add a file with their own rows:
 *
 * @example
 * runAuthorizationMatrix('catalog', [
 *   { name: 'PATCH a product of cooperative A', method: 'PATCH', path: () => '/api/v1/products/prd_x', json: () => ({ stock: 5 }),
 *     expect: { guest: 401, buyer: 404, otherOrgOwner: 404, member: 404, purchaser: 404, owner: 404, coopStaff: 200, otherCoopStaff: 404, admin: 200 } },
 * ]);
 *
 * The actors (see MATRIX_ROLES) are relative to the seeded Baoshan canteen (member / purchaser / owner)
 * and cooperative A (coopStaff); `otherOrgOwner` owns the Lijiang showroom, `otherCoopStaff` works for
 * cooperative B, `buyer` has no organisation. No response to an outsider of the canteen (whatever its
 * status) may contain the fixture's `secrets` (the canteen's tax id, invoice title, its owner's e-mail),
 * so neither a refusal nor another route can leak the canteen's data.
 */

/** Actors with no business seeing the canteen's data: no response to them may contain its secrets. */
const OUTSIDERS: readonly MatrixRole[] = ['guest', 'buyer', 'otherOrgOwner', 'coopStaff', 'otherCoopStaff'];

export type MatrixFixture = {
  tokens: Record<MatrixRole, string | undefined>;
  orgIds: typeof orgIds;
  /** Text that must never appear in a refused response. */
  secrets: string[];
};

export type MatrixRow = {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** The path to call; may create a fresh target per call for routes that consume it (delete, accept, verify). */
  path: (fx: MatrixFixture, role: MatrixRole) => string | Promise<string>;
  json?: (fx: MatrixFixture, role: MatrixRole) => unknown | Promise<unknown>;
  /** A urlencoded form body instead of JSON (page routes). */
  form?: Record<string, string>;
  expect: Record<MatrixRole, number>;
};

/** Statuses for "members of the canteen only", the most common shape, to spread and override. */
export const CANTEEN_MEMBERS_ONLY: Record<MatrixRole, number> = {
  guest: 401,
  buyer: 404,
  otherOrgOwner: 404,
  member: 200,
  purchaser: 200,
  owner: 200,
  coopStaff: 404,
  otherCoopStaff: 404,
  admin: 200,
};

export function runAuthorizationMatrix(title: string, rows: MatrixRow[]) {
  describe(`authorisation matrix: ${title}`, () => {
    const fx = {} as MatrixFixture;
    beforeAll(async () => {
      await seedDatabase();
      fx.tokens = await matrixTokens();
      fx.orgIds = orgIds;
      fx.secrets = ['11310113MB0000000X', '上海市宝山区机关事务管理局', 'canteen-owner@shanhai.local'];
    });

    for (const row of rows) {
      for (const role of MATRIX_ROLES) {
        const expected = row.expect[role];
        it(`${row.name}: ${role} → ${expected}`, async () => {
          const path = await row.path(fx, role);
          const headers: Record<string, string> = {};
          if (row.form) headers['content-type'] = 'application/x-www-form-urlencoded';
          const res = await call(path, {
            method: row.method,
            token: fx.tokens[role],
            json: await row.json?.(fx, role),
            body: row.form ? new URLSearchParams(row.form).toString() : undefined,
            headers,
            redirect: 'manual',
          });
          const text = await res.text();
          expect(res.status, `${row.method} ${path} as ${role}: ${text.slice(0, 300)}`).toBe(expected);
          if (OUTSIDERS.includes(role)) for (const secret of fx.secrets) expect(text).not.toContain(secret);
        });
      }
    }
  });
}
