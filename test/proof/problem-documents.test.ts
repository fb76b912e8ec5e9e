/**
 * Regressions found by the fuzz and plan work: a problem document's own members (RFC 9457) are never
 * replaced by an extension of the same name, so `status` is always the HTTP status a client compares.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError, problemBody, problemResponse } from '../../src/lib/errors';
import { joinGroupBuy, openGroupBuy } from '../helpers/group-buys';
import { callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';

describe('problem documents', () => {
  it('Should keep type, title, status, detail and code when an extension shares their names', async () => {
    const body = problemBody('invalid_state', 'The group buy has not closed yet', undefined, { status: 'open', type: 'x', title: 'y', detail: 'z', code: 'w', groupBuyStatus: 'open' });
    expect(body).toMatchObject({ type: '/problems/invalid_state', title: 'Not possible in the current state', status: 409, detail: 'The group buy has not closed yet', code: 'invalid_state', groupBuyStatus: 'open' });
    const res = problemResponse(new AppError('conflict', 'taken', { extensions: { status: 'picked_up' } }));
    expect(res.status).toBe(409);
    expect(((await res.json()) as { status: unknown }).status).toBe(409);
  });

  describe('a group buy refusing what its state does not allow', () => {
    let showroom: string;
    beforeAll(async () => {
      await seedDatabase();
      showroom = await demoToken('showroomManager');
    });

    it('Should answer a pickup before the group closed with status 409 and the group state as groupBuyStatus', async () => {
      const group = await openGroupBuy(showroom);
      // A code someone holds: a code nobody holds is 404 whatever the group's state.
      const joined = await joinGroupBuy(group.id);
      expect(joined.status).toBe(201);
      const pickupCode = (joined.body as { pickupCode: string }).pickupCode;
      const res = await callJson(`/api/v1/group-buys/${group.id}/pickups`, { method: 'POST', token: showroom, json: { pickupCode } });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ status: 409, code: 'invalid_state', groupBuyStatus: 'open' });
    });

    it('Should answer closing an already closed group with status 409 and the group state as groupBuyStatus', async () => {
      const group = await openGroupBuy(showroom, { minParticipants: 1 });
      await callJson(`/api/v1/group-buys/${group.id}/close`, { method: 'POST', token: showroom });
      const again = await callJson(`/api/v1/group-buys/${group.id}/close`, { method: 'POST', token: showroom });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ status: 409, code: 'invalid_state', groupBuyStatus: 'failed' });
    });
  });
});
