import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { call, callJson, freshIp, refusedWithinOneWindow } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { demoToken } from '../helpers/http';
import { joinGroupBuy, openGroupBuy } from '../helpers/group-buys';

let phoneCounter = 0;
const newPhone = () => `137${String(20_000_000 + ++phoneCounter).slice(-8)}`;

function sendCode(phoneNumber: string, ip = freshIp()) {
  return callJson('/api/auth/phone-number/send-otp', { method: 'POST', json: { phoneNumber }, headers: { 'cf-connecting-ip': ip } });
}
function verify(phoneNumber: string, code: string, ip = freshIp()) {
  return callJson('/api/auth/phone-number/verify', { method: 'POST', json: { phoneNumber, code }, headers: { 'cf-connecting-ip': ip } });
}
/** The newest sign-in code written to the outbox for this number (what the SMS carries). */
async function latestCode(phone: string): Promise<string> {
  const row = await env.DB.prepare("SELECT payload FROM notifications WHERE phone = ? AND kind = 'auth.sign_in_code' ORDER BY created_at DESC, rowid DESC LIMIT 1").bind(phone).first<{ payload: string }>();
  return JSON.parse(row!.payload).code;
}
const countUsers = async (phone: string) => (await env.DB.prepare('SELECT count(*) AS n FROM user WHERE phone_number = ?').bind(phone).first<{ n: number }>())!.n;

beforeAll(async () => {
  await seedDatabase();
});
afterEach(() => vi.useRealTimers());

describe('phone sign-in with a one-time SMS code', () => {
  it('Should put a 6-digit sign-in code in the outbox and sign a new resident in with it', async () => {
    const phone = newPhone();
    expect((await sendCode(phone)).status).toBe(200);
    const code = await latestCode(phone);
    expect(code).toMatch(/^\d{6}$/);
    const verified = await verify(phone, code);
    expect(verified.status).toBe(200);
    expect(verified.body.user.phoneNumber).toBe(phone);
    expect(verified.body.user.phoneNumberVerified).toBe(true);
    const token = verified.res.headers.get('set-auth-token')!;
    const me = await callJson('/api/v1/messages', { token });
    expect(me.status).toBe(200);
    expect(await countUsers(phone)).toBe(1);
  });

  it('Should refuse a code used twice', async () => {
    const phone = newPhone();
    await sendCode(phone);
    const code = await latestCode(phone);
    expect((await verify(phone, code)).status).toBe(200);
    const again = await verify(phone, code);
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('OTP_NOT_FOUND');
  });

  it('Should refuse an expired code and create no account', async () => {
    const phone = newPhone();
    await sendCode(phone);
    const code = await latestCode(phone);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 5 * 60 * 1000 + 1000);
    const late = await verify(phone, code);
    expect(late.status).toBe(400);
    expect(late.body.code).toBe('OTP_EXPIRED');
    expect(await countUsers(phone)).toBe(0);
  });

  it('Should refuse a wrong code and, after three wrong tries, the right one too', async () => {
    const phone = newPhone();
    await sendCode(phone);
    const code = await latestCode(phone);
    const wrong = code === '000000' ? '111111' : '000000';
    const first = await verify(phone, wrong);
    expect(first.status).toBe(400);
    expect(first.body.code).toBe('INVALID_OTP');
    await verify(phone, wrong);
    await verify(phone, wrong);
    const locked = await verify(phone, code);
    expect(locked.status).toBe(403);
    expect(locked.body.code).toBe('TOO_MANY_ATTEMPTS');
    expect(await countUsers(phone)).toBe(0);
  });

  it('Should refuse a number that is not a mainland mobile and write nothing', async () => {
    const before = (await env.DB.prepare("SELECT count(*) AS n FROM notifications WHERE kind = 'auth.sign_in_code'").first<{ n: number }>())!.n;
    const res = await sendCode('12345');
    expect(res.status).toBe(400);
    const after = (await env.DB.prepare("SELECT count(*) AS n FROM notifications WHERE kind = 'auth.sign_in_code'").first<{ n: number }>())!.n;
    expect(after).toBe(before);
  });

  it('Should limit codes per number whatever the IP, leaving the last code valid', async () => {
    let code = '';
    const { key: phone, refused } = await refusedWithinOneWindow(
      [newPhone(), newPhone()],
      async (phone) => {
        for (let i = 0; i < 3; i++) expect((await sendCode(phone)).status).toBe(200);
        code = await latestCode(phone);
      },
      (phone) => sendCode(phone),
    );
    expect(refused.status).toBe(429);
    expect(await latestCode(phone)).toBe(code);
    expect((await verify(phone, code)).status).toBe(200);
  });

  it('Should limit codes per IP across numbers', async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await sendCode(newPhone(), ip)).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses[5]).toBe(429);
  });
});

describe('finding my group-buy joins (找回我的参团)', () => {
  it('Should attach the phone’s past joins and their messages only once the number is verified', async () => {
    const showroom = await demoToken('showroomManager');
    const group = await openGroupBuy(showroom);
    const phone = newPhone();
    const joined = await joinGroupBuy(group.id, { phone });
    expect(joined.status).toBe(201);
    await env.DB.prepare("INSERT INTO notifications (id, phone, kind, title_zh, title_en, created_at) VALUES ('ntf_attach_test', ?, 'group_buy.participant_formed', '已成团', 'Formed', ?)").bind(phone, Date.now()).run();
    const owner = async () => env.DB.prepare('SELECT user_id FROM group_buy_participants WHERE id = ?').bind(joined.body.participantId).first<{ user_id: string | null }>();

    await sendCode(phone);
    const code = await latestCode(phone);
    await verify(phone, code === '000000' ? '111111' : '000000');
    expect((await owner())!.user_id).toBeNull();

    const verified = await verify(phone, code);
    expect(verified.status).toBe(200);
    expect((await owner())!.user_id).toBe(verified.body.user.id);
    const inbox = await callJson('/api/v1/messages', { token: verified.res.headers.get('set-auth-token')! });
    expect(inbox.body.items.map((i: { id: string }) => i.id)).toContain('ntf_attach_test');
    // The code itself never shows in an inbox.
    expect(inbox.body.items.some((i: { kind: string }) => i.kind.startsWith('auth.'))).toBe(false);
  });
});

describe('the phone sign-in pages', () => {
  it('Should sign in through the forms without JavaScript and land on the inbox', async () => {
    const phone = newPhone();
    const ip = freshIp();
    const form = (path: string, fields: Record<string, string>) =>
      call(path, { method: 'POST', body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': ip }, redirect: 'manual' });
    const asked = await form('/sign-in/phone', { phoneNumber: phone, next: '/messages' });
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain('name="code"');
    const done = await form('/sign-in/phone/verify', { phoneNumber: phone, code: await latestCode(phone), next: '/messages' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/messages');
    expect(done.headers.getSetCookie().some((c) => c.includes('session_token'))).toBe(true);
    // 我的账户 shows the number they signed in with, never the placeholder address behind a phone account.
    const cookie = done.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const account = await (await call('/account', { headers: { cookie } })).text();
    expect(account).toContain('登录手机号');
    expect(account).toContain(`<dd>${phone}</dd>`);
    expect(account).toContain(`value="${phone}"`);
    expect(account).not.toContain('phone.shanhai.invalid');
  });

  it('Should say so in the page language when the code is wrong', async () => {
    const phone = newPhone();
    const ip = freshIp();
    const form = (path: string, fields: Record<string, string>) =>
      call(`${path}?lang=en`, { method: 'POST', body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': ip }, redirect: 'manual' });
    await form('/sign-in/phone', { phoneNumber: phone });
    const code = await latestCode(phone);
    const res = await form('/sign-in/phone/verify', { phoneNumber: phone, code: code === '000000' ? '111111' : '000000' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('That code is not right');
  });
});
