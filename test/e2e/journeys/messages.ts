/**
 * Messages on a phone: a neighbour joins a showroom's group buy with only a phone number; the group forms
 * (the showroom closes it) and the message goes out through the delivery queue. With no SMS provider
 * configured, the SMS lands in the local outbox (/dev/outbox). The resident signs in at 390×844 with the
 * code read there and finds the group's "formed" message and the pickup reminder (written by the scheduled
 * job, the pickup being within a day) in the 消息 inbox, the unread count on the 我的 tab.
 */
import assert from 'node:assert/strict';
import { axeReport, bearerToken, screenshot, seriousViolations, type Journey } from '../support';

/** It sizes its own phone context, so it runs once. */
export const viewports = 'self';

const SHOWROOM = { email: 'showroom@shanhai.local', password: 'shanhai-demo-2026', org: 'org_lijiang_showroom_yangpu' };
const SHIITAKE = 'prd_jd_mus_001';
const HOUR = 3600_000;

async function api<T>(baseUrl: string, path: string, init: { method?: string; token?: string; json?: unknown } = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: { origin: baseUrl, ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}), ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** Polls the dev outbox page until an SMS of `kind` to `phone` appears; returns its recorded content. */
async function outboxSms(baseUrl: string, phone: string, kind: string): Promise<{ templateCode: string; params: Record<string, string> }> {
  for (let i = 0; i < 60; i++) {
    const html = await (await fetch(`${baseUrl}/dev/outbox`)).text();
    const row = new RegExp(`<tr data-kind="${kind.replace('.', '\\.')}" data-channel="sms" data-recipient="${phone}">[\\s\\S]*?<code class="outbox-content">([^<]*)</code>`).exec(html);
    if (row) return JSON.parse(row[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no ${kind} SMS to ${phone} in /dev/outbox`);
}

/** 21:00–08:00 in Shanghai: the consumer holds non-urgent SMS until 08:00 (codes still go at once). */
function quietHourInShanghai(now = Date.now()): boolean {
  const hour = new Date(now + 8 * 3600_000).getUTCHours();
  return hour >= 21 || hour < 8;
}

/** Polls /dev/outbox until the held-SMS table lists a `kind` message for `phone`. */
async function heldSms(baseUrl: string, phone: string, kind: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const html = await (await fetch(`${baseUrl}/dev/outbox`)).text();
    if (html.includes(`<tr data-held-kind="${kind}" data-recipient="${phone}">`)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no held ${kind} SMS to ${phone} in /dev/outbox`);
}

const journey: Journey = async ({ browser, baseUrl }) => {
  const token = await bearerToken(baseUrl, SHOWROOM.email, SHOWROOM.password);
  const title = `香菇邻里团 ${Date.now() % 100000}`;
  // Pickup in two hours: the reminder is due at once (from 18:00 the evening before, or on the day itself).
  const closesAt = Date.now() + HOUR;
  const created = await api<{ id: string }>(baseUrl, '/api/v1/group-buys', {
    method: 'POST',
    token,
    json: {
      organizationId: SHOWROOM.org,
      title,
      closesAt: new Date(closesAt).toISOString(),
      pickupStartsAt: new Date(closesAt + HOUR).toISOString(),
      pickupEndsAt: new Date(closesAt + 3 * HOUR).toISOString(),
      pickupOrganizationId: SHOWROOM.org,
      minParticipants: 1,
      items: [{ productId: SHIITAKE, unitPriceFen: 4280 }],
    },
  });
  assert.equal(created.status, 201, `group buy created: ${JSON.stringify(created.body)}`);
  const phone = `136${String(Date.now()).slice(-8)}`;
  const joined = await api<{ pickupCode: string }>(baseUrl, `/api/v1/group-buys/${created.body.id}/participants`, {
    method: 'POST',
    json: { name: '王阿姨', phone, items: [{ productId: SHIITAKE, quantity: 2 }], paymentMethod: 'pay_at_pickup' },
  });
  assert.equal(joined.status, 201);
  const closed = await api<{ status: string }>(baseUrl, `/api/v1/group-buys/${created.body.id}/close`, { method: 'POST', token });
  assert.equal(closed.status, 200);
  // CI may run at any hour: in the quiet hours the "formed" SMS waits for 08:00, otherwise it goes at once.
  if (quietHourInShanghai()) {
    await heldSms(baseUrl, phone, 'group_buy.participant_formed');
  } else {
    const formed = await outboxSms(baseUrl, phone, 'group_buy.participant_formed');
    assert.equal(formed.params.code, joined.body.pickupCode);
  }
  // The cron's jobs, fired by hand (wrangler dev --test-scheduled): the pickup reminder is written for the phone.
  const jobs = await fetch(`${baseUrl}/__scheduled?cron=${encodeURIComponent('*/5 * * * *')}`);
  assert.equal(jobs.status, 200, 'the scheduled jobs ran');

  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  try {
    // Signed out, 消息 sends the resident to sign in and back to the inbox afterwards.
    await page.goto(`${baseUrl}/messages`);
    await page.waitForURL(/\/sign-in\?next=%2Fmessages/);
    await page.getByRole('link', { name: '用手机号登录' }).click();
    await page.getByLabel('手机号').fill(phone);
    await page.getByRole('button', { name: '发送验证码' }).click();
    await page.getByLabel('短信验证码').waitFor();
    const code = await outboxSms(baseUrl, phone, 'auth.sign_in_code');
    await page.getByLabel('短信验证码').fill(code.params.code!);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${baseUrl}/messages`);
    const message = page.locator('li[data-kind="group_buy.participant_formed"]');
    await message.waitFor();
    assert.match(await message.innerText(), new RegExp(`${title}.*已成团.*${joined.body.pickupCode}`));
    const reminder = page.locator('li[data-kind="group_buy.pickup_reminder"]');
    assert.match(await reminder.innerText(), new RegExp(`(今天|明天).*提货「${title}」，提货码 ${joined.body.pickupCode}`));
    // On a phone the unread count rides on the 我的 tab (the top bar's 消息 link is for wider screens).
    assert.ok(await page.getByLabel('2 条未读消息').isVisible(), 'the 我的 tab shows two unread messages');
    await screenshot(page, 'messages-inbox');
    const inboxViolations = await seriousViolations(page);
    assert.equal(inboxViolations.length, 0, axeReport('inbox', inboxViolations));
    await message.getByRole('button', { name: '标为已读' }).click();
    await page.waitForURL(`${baseUrl}/messages`);
    assert.ok(await page.getByLabel('1 条未读消息').isVisible(), 'one unread message left');
    await page.getByRole('button', { name: '全部标为已读' }).click();
    await page.waitForURL(`${baseUrl}/messages`);
    assert.equal(await page.getByLabel(/条未读消息/).count(), 0, 'no unread count once all are read');
    // 找回我的参团: the guest join made with this phone is the account's now, with its pickup code.
    await page.goto(`${baseUrl}/my/group-buys`);
    const join = page.locator('.gb-my-joins li', { hasText: title });
    assert.ok((await join.innerText()).includes(joined.body.pickupCode), 'the join and its pickup code are under 我的参团');
    await screenshot(page, 'messages-my-group-buys');
    const joinsViolations = await seriousViolations(page);
    assert.equal(joinsViolations.length, 0, axeReport('我的参团', joinsViolations));
    await page.goto(`${baseUrl}/messages`);
    // Marketing messages (new group buys at this showroom) can be turned off; codes and pickups still come.
    await page.getByLabel(/接收新团上线等营销类消息/).uncheck();
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForURL(`${baseUrl}/messages?saved=1`);
    assert.equal(await page.getByLabel(/接收新团上线等营销类消息/).isChecked(), false);
  } finally {
    await context.close();
  }
};

export default journey;
