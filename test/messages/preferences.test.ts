/**
 * A person's message preferences: marketing-type messages (a new group buy at their pickup point) can be
 * turned off, through the API or the form under their inbox; transactional ones always go (events.test.ts).
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, callJson, newUser } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';

const savedRow = (userId: string) => env.DB.prepare('SELECT marketing FROM message_preferences WHERE user_id = ?').bind(userId).first<{ marketing: number }>();

beforeAll(async () => {
  await seedDatabase();
});

describe('message preferences through the API', () => {
  it('Should have marketing on until the person turns it off, and keep the choice', async () => {
    const person = await newUser('偏好');
    expect((await callJson('/api/v1/messages/preferences', { token: person.token })).body).toEqual({ marketing: true });
    expect(await savedRow(person.id)).toBeNull();
    const off = await callJson('/api/v1/messages/preferences', { method: 'PUT', token: person.token, json: { marketing: false } });
    expect(off).toMatchObject({ status: 200, body: { marketing: false } });
    expect((await callJson('/api/v1/messages/preferences', { token: person.token })).body).toEqual({ marketing: false });
    await callJson('/api/v1/messages/preferences', { method: 'PUT', token: person.token, json: { marketing: true } });
    expect(await savedRow(person.id)).toEqual({ marketing: 1 });
  });

  it('Should refuse a value that is not true or false, or an unknown key, and write nothing', async () => {
    const person = await newUser('偏好错误');
    for (const json of [{ marketing: 'no' }, { marketing: false, sms: false }, {}]) {
      const res = await callJson('/api/v1/messages/preferences', { method: 'PUT', token: person.token, json });
      expect(res.status).toBe(400);
      expect(res.res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await savedRow(person.id)).toBeNull();
  });

  it('Should refuse a visitor who is not signed in', async () => {
    expect((await callJson('/api/v1/messages/preferences')).status).toBe(401);
    const before = await env.DB.prepare('SELECT count(*) AS n FROM message_preferences').first<{ n: number }>();
    expect((await callJson('/api/v1/messages/preferences', { method: 'PUT', json: { marketing: false } })).status).toBe(401);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM message_preferences').first()).toEqual(before);
  });
});

describe('the preferences form under the inbox', () => {
  it('Should turn marketing off without JavaScript (an unticked box) and show the box unticked', async () => {
    const person = await newUser('表单偏好');
    const inbox = await (await call('/messages', { token: person.token })).text();
    expect(inbox).toContain('action="/messages/preferences"');
    expect(inbox).toMatch(/<input type="checkbox" name="marketing" value="on" checked=""/);
    const saved = await call('/messages/preferences', { method: 'POST', token: person.token, body: new URLSearchParams({}).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/messages?saved=1');
    expect(await savedRow(person.id)).toEqual({ marketing: 0 });
    const after = await (await call('/messages?saved=1', { token: person.token })).text();
    expect(after).toContain('已保存消息设置。');
    expect(after).toMatch(/<input type="checkbox" name="marketing" value="on"\/?>/);
  });
});
