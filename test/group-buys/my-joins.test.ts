/**
 * 找回我的参团: a resident who joined as a guest and lost the link finds the join again by proving the phone
 * number (phone sign-in with a one-time SMS code); nothing is shown for a number nobody verified.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, callJson, demoToken, freshIp } from '../helpers/http';
import { joinGroupBuy, openGroupBuy } from '../helpers/group-buys';
import { seedDatabase } from '../helpers/seed';

let counter = 0;
const newPhone = () => `135${String(30_000_000 + ++counter).slice(-8)}`;
let showroom: string;

async function latestCode(phone: string): Promise<string> {
  const row = await env.DB.prepare("SELECT payload FROM notifications WHERE phone = ? AND kind = 'auth.sign_in_code' ORDER BY created_at DESC, rowid DESC LIMIT 1").bind(phone).first<{ payload: string }>();
  return JSON.parse(row!.payload).code;
}

/** Phone sign-in through Better Auth's endpoints: the code is read from the outbox, as the SMS would carry it. */
async function signInWithPhone(phoneNumber: string, code?: string) {
  const ip = freshIp();
  await callJson('/api/auth/phone-number/send-otp', { method: 'POST', json: { phoneNumber }, headers: { 'cf-connecting-ip': ip } });
  const res = await callJson('/api/auth/phone-number/verify', { method: 'POST', json: { phoneNumber, code: code ?? (await latestCode(phoneNumber)) }, headers: { 'cf-connecting-ip': ip } });
  return { status: res.status, token: res.res.headers.get('set-auth-token') };
}

beforeAll(async () => {
  await seedDatabase();
  showroom = await demoToken('showroomManager');
});

describe('finding my group-buy joins (API)', () => {
  it('Should list a guest join once its phone number is verified, with the code and a working link', async () => {
    const phone = newPhone();
    const group = await openGroupBuy(showroom, { title: '找回测试团' });
    const joined = await joinGroupBuy(group.id, { phone, name: '赵阿姨' });
    expect(joined.status).toBe(201);
    const { token } = await signInWithPhone(phone);
    const mine = await callJson('/api/v1/me/group-buys', { token: token! });
    expect(mine.status).toBe(200);
    expect(mine.body.items).toEqual([
      expect.objectContaining({ participantId: joined.body.participantId, title: '找回测试团', pickupCode: joined.body.pickupCode, groupStatus: 'open', shortCode: group.shortCode }),
    ]);
    const page = await call(mine.body.items[0].participantPath);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(joined.body.pickupCode);
  });

  it('Should show nothing of another number’s joins, and attach nothing on a wrong code', async () => {
    const phone = newPhone();
    const group = await openGroupBuy(showroom);
    const joined = await joinGroupBuy(group.id, { phone });
    const someoneElse = await signInWithPhone(newPhone());
    expect((await callJson('/api/v1/me/group-buys', { token: someoneElse.token! })).body.items).toEqual([]);
    const code = await (async () => {
      await callJson('/api/auth/phone-number/send-otp', { method: 'POST', json: { phoneNumber: phone }, headers: { 'cf-connecting-ip': freshIp() } });
      return latestCode(phone);
    })();
    const wrong = await callJson('/api/auth/phone-number/verify', { method: 'POST', json: { phoneNumber: phone, code: code === '000000' ? '111111' : '000000' }, headers: { 'cf-connecting-ip': freshIp() } });
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect(wrong.res.headers.get('set-auth-token')).toBeNull();
    const owner = await env.DB.prepare('SELECT user_id FROM group_buy_participants WHERE id = ?').bind(joined.body.participantId).first<{ user_id: string | null }>();
    expect(owner!.user_id).toBeNull();
  });

  it('Should refuse a visitor who is not signed in', async () => {
    const res = await callJson('/api/v1/me/group-buys');
    expect(res.status).toBe(401);
    expect(res.res.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('finding my group-buy joins (pages)', () => {
  it('Should send a signed-out resident to phone sign-in and back to 我的参团', async () => {
    const res = await call('/my/group-buys', { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/sign-in/phone?next=%2Fmy%2Fgroup-buys');
  });

  it('Should offer 找回我的参团 on a participant link without its token, in the page’s language', async () => {
    const group = await openGroupBuy(showroom);
    const zh = await call(`/g/${group.shortCode}/me`);
    expect(zh.status).toBe(404);
    const html = await zh.text();
    expect(html).toContain('用参团手机号登录找回');
    expect(html).toContain('href="/my/group-buys"');
    const en = await call(`/g/${group.shortCode}/me`, { headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expect(await en.text()).toContain('Find my group buys');
  });

  it('Should list the joins on the page after signing in, with the pickup code', async () => {
    const phone = newPhone();
    const group = await openGroupBuy(showroom, { title: '页面找回团' });
    const joined = await joinGroupBuy(group.id, { phone });
    const { token } = await signInWithPhone(phone);
    const html = await (await call('/my/group-buys', { token: token! })).text();
    expect(html).toContain('页面找回团');
    expect(html).toContain(joined.body.pickupCode);
    expect(html).toContain(`/g/${group.shortCode}/me?token=`);
  });
});
