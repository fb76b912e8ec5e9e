import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { findGroupBuy } from '../../src/group-buys/group-buys.queries';
import { openNextWeeklyGroups, repeatInput, WEEK_MS } from '../../src/group-buys/group-buys.repeat';
import { call, callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { HOUR, PRODUCTS, joinGroupBuy, openGroupBuy, rowCount, runCron } from '../helpers/group-buys';

let showroom: string;

beforeAll(async () => {
  await seedDatabase();
  showroom = await demoToken('showroomManager');
});

async function closedWeeklyGroup() {
  const group = await openGroupBuy(showroom, { minParticipants: 1, repeatWeekly: true, capacity: 40 });
  await joinGroupBuy(group.id);
  const closed = await callJson(`/api/v1/group-buys/${group.id}/close`, { method: 'POST', token: showroom });
  expect(closed.body.status).toBe('succeeded');
  return closed.body as { id: string; closesAt: string; pickupWindow: { startsAt: string; endsAt: string } };
}

describe('weekly group buys', () => {
  it('Should open exactly one next group when the job runs twice', async () => {
    const source = await closedWeeklyGroup();
    const first = await runCron(Date.now(), { withStripe: false });
    const second = await runCron(Date.now(), { withStripe: false });
    expect(first['group-buys.repeat-weekly']).toBeGreaterThanOrEqual(1);
    expect(second['group-buys.repeat-weekly']).toBe(0);
    expect(await rowCount('group_buys', 'repeated_from_id = ?', source.id)).toBe(1);

    const nextId = (await env.DB.prepare('SELECT id FROM group_buys WHERE repeated_from_id = ?').bind(source.id).first<string>('id'))!;
    const next = await callJson(`/api/v1/group-buys/${nextId}`);
    expect(next.body).toMatchObject({ status: 'open', repeatWeekly: true, repeatedFromId: source.id, minParticipants: 1, capacity: 40 });
    expect(Date.parse(next.body.closesAt) - Date.parse(source.closesAt)).toBe(WEEK_MS);
    expect(Date.parse(next.body.pickupWindow.startsAt) - Date.parse(source.pickupWindow.startsAt)).toBe(WEEK_MS);
    expect(next.body.items.map((i: { productId: string; groupPriceFen: number }) => [i.productId, i.groupPriceFen]).sort()).toEqual(
      [
        [PRODUCTS.shiitake, 4280],
        [PRODUCTS.freshShiitake, 3280],
      ].sort(),
    );
    expect(next.body.progress.participants).toBe(0);
    expect(await rowCount('audit_log', "action = 'group_buy.repeat' AND entity_id = ?", nextId)).toBe(1);
  });

  it('Should open one next group when two runs race', async () => {
    const source = await closedWeeklyGroup();
    const db = createDb(env.DB);
    await Promise.all([openNextWeeklyGroups(db, Date.now()), openNextWeeklyGroups(db, Date.now())]);
    expect(await rowCount('group_buys', 'repeated_from_id = ?', source.id)).toBe(1);
  });

  it('Should not repeat a group that is still open, nor one that is not weekly', async () => {
    const open = await openGroupBuy(showroom, { repeatWeekly: true });
    const once = await openGroupBuy(showroom, { minParticipants: 1 });
    await joinGroupBuy(once.id);
    await callJson(`/api/v1/group-buys/${once.id}/close`, { method: 'POST', token: showroom });
    await runCron(Date.now(), { withStripe: false });
    expect(await rowCount('group_buys', 'repeated_from_id IN (?, ?)', open.id, once.id)).toBe(0);
  });

  it('Should move a long-past group on by whole weeks so the new deadline is ahead', async () => {
    const source = await closedWeeklyGroup();
    const db = createDb(env.DB);
    const row = (await findGroupBuy(db, source.id))!;
    const later = row.closesAt + 3 * WEEK_MS + 2 * HOUR;
    const input = await repeatInput(db, row, later);
    expect(input.closesAt).toBe(row.closesAt + 4 * WEEK_MS);
    expect(input.closesAt).toBeGreaterThan(later);
    expect(input.pickupEndsAt - input.pickupStartsAt).toBe(row.pickupEndsAt! - row.pickupStartsAt!);
  });

  it('Should fill the create form from a past group with its dates a week on, writing nothing', async () => {
    const source = await closedWeeklyGroup();
    const before = await rowCount('group_buys');
    const res = await call(`/group-buys/${source.id}/repeat`, { token: showroom });
    expect(res.status).toBe(200);
    const html = await res.text();
    const nextDeadline = new Date(Date.parse(source.closesAt) + WEEK_MS + 8 * HOUR).toISOString().slice(0, 16);
    expect(html).toContain(`value="${nextDeadline}"`);
    expect(html).toContain('value="永胜香菇社区团购"');
    expect(html).toContain(`name="price_${PRODUCTS.shiitake}"`);
    expect(html).toContain('value="42.80"');
    expect(html).toMatch(/name="repeatWeekly" value="1" checked/);
    expect(await rowCount('group_buys')).toBe(before);
    expect((await call(`/group-buys/${source.id}/repeat`, { token: await demoToken('buyer') })).status).toBe(404);
  });
});
