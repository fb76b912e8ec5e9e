import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { runBatch } from '../../src/db/batch';
import { guard, isGuardFailure } from '../../src/db/guard';
import { notifications } from '../../src/db/schema';
import { rowCount } from '../helpers/group-buys';

const db = createDb(env.DB);
const note = (id: string) => db.insert(notifications).values({ id, kind: 'test', titleZh: '测试', titleEn: 'test', createdAt: 0 });

beforeAll(async () => {
  await env.DB.prepare("INSERT INTO notifications (id, kind, title_zh, title_en, created_at) VALUES ('ntf_marker', 'marker', 'm', 'm', 0)").run();
});

describe('batch guards', () => {
  it('Should let the batch apply while its condition holds', async () => {
    await runBatch(db, [guard(db, 'marker_present', sql`EXISTS (SELECT 1 FROM notifications WHERE id = 'ntf_marker')`), note('ntf_a')]);
    expect(await rowCount('notifications', "id = 'ntf_a'")).toBe(1);
  });

  it('Should roll back the whole batch, statements before it included, when its condition fails', async () => {
    const error = await runBatch(db, [note('ntf_b'), guard(db, 'marker_gone', sql`NOT EXISTS (SELECT 1 FROM notifications WHERE id = 'ntf_marker')`), note('ntf_c')]).catch(
      (e: unknown) => e,
    );
    expect(isGuardFailure(error)).toBe(true);
    expect(await rowCount('notifications', "id IN ('ntf_b', 'ntf_c')")).toBe(0);
    expect(await rowCount('batch_guards')).toBe(0);
  });

  it('Should bind parameters in its condition', async () => {
    const id = 'ntf_marker';
    await runBatch(db, [guard(db, 'bound', sql`EXISTS (SELECT 1 FROM notifications WHERE id = ${id})`), note('ntf_d')]);
    expect(await rowCount('notifications', "id = 'ntf_d'")).toBe(1);
  });
});
