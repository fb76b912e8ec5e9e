import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshIp } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { cookieHeader, getPage, orgIds, postForm, sessionCookie } from '../helpers/accounts';

beforeAll(seedDatabase);

const html = (res: Response) => res.text();

describe('sign-up, sign-in and sign-out pages', () => {
  it('Should sign up through the form, set the session cookie and show the account', async () => {
    const email = `page-${crypto.randomUUID().slice(0, 8)}@test.local`;
    const form = await getPage('/sign-up');
    expect(form.status).toBe(200);
    expect(await html(form)).toContain('name="password"');

    const res = await postForm('/sign-up', { name: '王小明', email, password: 'page-password-1' }, { headers: { 'cf-connecting-ip': freshIp() } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/account');
    const cookie = cookieHeader(res);
    expect(cookie).toContain('shanhai.session_token=');
    const account = await getPage('/account', cookie);
    expect(account.status).toBe(200);
    const body = await html(account);
    expect(body).toContain(email);
    expect(body).toContain('href="/orders"');
    expect(body).toContain('href="/organizations/new"');
  });

  it('Should show sign-up problems on the form', async () => {
    const taken = await postForm('/sign-up', { name: 'x', email: 'buyer@shanhai.local', password: 'page-password-1' }, { headers: { 'cf-connecting-ip': freshIp() } });
    expect(taken.status).toBe(422);
    expect(await html(taken)).toContain('该邮箱已注册');
    const short = await postForm('/sign-up?lang=en', { name: 'x', email: 'short@test.local', password: 'short' }, { headers: { 'cf-connecting-ip': freshIp() } });
    expect(short.status).toBe(400);
    expect(await html(short)).toContain('too short');
  });

  it('Should sign in through the form to the requested page, and refuse a wrong password on the form', async () => {
    const wrong = await postForm('/sign-in', { email: 'buyer@shanhai.local', password: 'nope-nope' }, { headers: { 'cf-connecting-ip': freshIp() } });
    expect(wrong.status).toBe(401);
    expect(await html(wrong)).toContain('邮箱或密码不正确');

    const res = await postForm('/sign-in', { email: 'canteen-owner@shanhai.local', password: 'shanhai-demo-2026', next: `/organizations/${orgIds.canteen}` }, { headers: { 'cf-connecting-ip': freshIp() } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/organizations/${orgIds.canteen}`);
    expect((await getPage(`/organizations/${orgIds.canteen}`, cookieHeader(res))).status).toBe(200);
  });

  it('Should sign out with a POST and end the session', async () => {
    const cookie = await sessionCookie('buyer@shanhai.local');
    const res = await postForm('/sign-out', {}, { cookie });
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('shanhai.session_token=;') || /shanhai\.session_token=.*Max-Age=0/i.test(c))).toBe(true);
    expect((await getPage('/account', cookie)).status).toBe(303);
  });

  it('Should send a guest from /account to sign in and back', async () => {
    const res = await getPage('/account');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/sign-in?next=%2Faccount');
  });
});

describe('organisation pages', () => {
  it('Should create an organisation from the form and show it as pending', async () => {
    const cookie = await sessionCookie('buyer@shanhai.local');
    const res = await postForm('/organizations/new', { kind: 'enterprise', name: '上海某某科技有限公司', districtId: 'yangpu', annualTargetYuan: '12000.50', countyId: '', certificationNo: '' }, { cookie });
    expect(res.status).toBe(303);
    const page = await getPage(res.headers.get('location')!, cookie);
    expect(page.status).toBe(200);
    const body = await html(page);
    expect(body).toContain('上海某某科技有限公司');
    expect(body).toContain('待审核');
    const id = res.headers.get('location')!.split('/').pop()!;
    const row = await env.DB.prepare('SELECT annual_target_fen AS t, kind FROM organization WHERE id = ?').bind(id).first();
    expect(row).toEqual({ t: 1_200_050, kind: 'enterprise' });
  });

  it('Should re-show the form with the reason when a cooperative has no county', async () => {
    const cookie = await sessionCookie('buyer@shanhai.local');
    const res = await postForm('/organizations/new', { kind: 'cooperative', name: '某合作社', certificationNo: 'X-1', countyId: '' }, { cookie });
    expect(res.status).toBe(400);
    const body = await html(res);
    expect(body).toContain('所在县（产地）');
    expect(body).toContain('某合作社');
  });

  it("Should show the owner members, invitation links and delivery locations, and let them invite", async () => {
    const cookie = await sessionCookie('canteen-owner@shanhai.local');
    const invited = await postForm(`/organizations/${orgIds.canteen}/invitations`, { email: 'new-purchaser@test.local', role: 'purchaser' }, { cookie });
    expect(invited.status).toBe(303);
    const page = await getPage(`/organizations/${orgIds.canteen}`, cookie);
    const body = await html(page);
    expect(body).toContain('canteen@shanhai.local');
    expect(body).toMatch(/value="http:\/\/localhost:8787\/invitations\/inv_[0-9a-z]{20}"/);
    expect(body).toContain('机关食堂后厨收货口');
    expect(body).toContain('¥20,000.00');
  });

  it('Should let the owner set a purchaser limit from the members form', async () => {
    const cookie = await sessionCookie('canteen-owner@shanhai.local');
    const res = await postForm(`/organizations/${orgIds.canteen}/members/mem_demo_canteenPurchaser`, { role: 'purchaser', perOrderLimitYuan: '15000' }, { cookie });
    expect(res.status).toBe(303);
    const row = await env.DB.prepare("SELECT per_order_limit_fen AS l FROM member WHERE id = 'mem_demo_canteenPurchaser'").first<{ l: number }>();
    expect(row!.l).toBe(1_500_000);
  });

  it('Should show a purchaser the organisation without the owner forms, and refuse their owner actions on the page', async () => {
    const cookie = await sessionCookie('canteen@shanhai.local');
    const body = await html(await getPage(`/organizations/${orgIds.canteen}`, cookie));
    expect(body).not.toContain('/invitations"');
    expect(body).toContain('delivery-locations');
    const res = await postForm(`/organizations/${orgIds.canteen}/profile`, { invoiceTitle: 'hijack' }, { cookie });
    expect(res.status).toBe(403);
  });

  it('Should add a delivery location from the page', async () => {
    const cookie = await sessionCookie('canteen@shanhai.local');
    const res = await postForm(`/organizations/${orgIds.canteen}/delivery-locations`, { label: '二号食堂', recipient: '张师傅', phone: '13800000002', districtId: 'baoshan', street: '宝山区友谊路 1 号', receivingHours: '' }, { cookie });
    expect(res.status).toBe(303);
    const row = await env.DB.prepare("SELECT is_default AS d, receiving_hours AS h FROM delivery_locations WHERE label = '二号食堂'").first();
    expect(row).toEqual({ d: 0, h: null });
  });

  it("Should answer another organisation's page with 404", async () => {
    const cookie = await sessionCookie('showroom@shanhai.local');
    const res = await getPage(`/organizations/${orgIds.canteen}`, cookie);
    expect(res.status).toBe(404);
    expect(await html(res)).not.toContain('机关食堂后厨收货口');
  });
});

describe('invitation page', () => {
  it('Should let the invited user accept on the page, once', async () => {
    const owner = await sessionCookie('showroom@shanhai.local');
    const email = `invitee-${crypto.randomUUID().slice(0, 6)}@test.local`;
    await postForm(`/organizations/${orgIds.showroom}/invitations`, { email, role: 'member' }, { cookie: owner });
    const inv = await env.DB.prepare('SELECT id FROM invitation WHERE email = ?').bind(email).first<{ id: string }>();

    const guest = await getPage(`/invitations/${inv!.id}`);
    expect(guest.status).toBe(200);
    expect(await html(guest)).toContain(`/sign-up?next=%2Finvitations%2F${inv!.id}`);

    const signUp = await postForm('/sign-up', { name: '新成员', email, password: 'page-password-1', next: `/invitations/${inv!.id}` }, { headers: { 'cf-connecting-ip': freshIp() } });
    expect(signUp.headers.get('location')).toBe(`/invitations/${inv!.id}`);
    const cookie = cookieHeader(signUp);
    expect(await html(await getPage(`/invitations/${inv!.id}`, cookie))).toContain('接受邀请');

    const accept = await postForm(`/invitations/${inv!.id}/accept`, {}, { cookie });
    expect(accept.status).toBe(303);
    expect(accept.headers.get('location')).toBe(`/organizations/${orgIds.showroom}`);
    const again = await postForm(`/invitations/${inv!.id}/accept`, {}, { cookie });
    expect(again.status).toBe(409);
  });
});

describe('admin organisations page', () => {
  it('Should show an admin the pending organisations first with verify buttons and the admin nav', async () => {
    const buyer = await sessionCookie('buyer@shanhai.local');
    const created = await postForm('/organizations/new', { kind: 'showroom', name: '待审核的展销馆' }, { cookie: buyer });
    const id = created.headers.get('location')!.split('/').pop()!;

    const admin = await sessionCookie('admin@shanhai.local');
    const res = await getPage('/admin/organizations', admin);
    expect(res.status).toBe(200);
    const body = await html(res);
    expect(body).toContain('href="/admin/settlements"');
    expect(body).toContain('href="/admin/audit"');
    expect(body.indexOf('待审核的展销馆')).toBeLessThan(body.indexOf('宝山区机关食堂'));
    expect(body).toContain(`/admin/organizations/${id}/verify`);

    const verified = await postForm(`/admin/organizations/${id}/verify`, { back: '/admin/organizations' }, { cookie: admin });
    expect(verified.status).toBe(303);
    const row = await env.DB.prepare('SELECT status FROM organization WHERE id = ?').bind(id).first<{ status: string }>();
    expect(row!.status).toBe('verified');
  });

  it('Should set credit terms from the admin form, and show a refusal on the page', async () => {
    const admin = await sessionCookie('admin@shanhai.local');
    const ok = await postForm(`/admin/organizations/${orgIds.showroom}/credit-terms`, { paymentTermsDays: '15', creditLimitYuan: '50000' }, { cookie: admin });
    expect(ok.status).toBe(303);
    const row = await env.DB.prepare('SELECT payment_terms_days AS d, credit_limit_fen AS l FROM organization WHERE id = ?').bind(orgIds.showroom).first();
    expect(row).toEqual({ d: 15, l: 5_000_000 });
    const refused = await postForm(`/admin/organizations/${orgIds.coopA}/credit-terms`, { paymentTermsDays: '15', creditLimitYuan: '1' }, { cookie: admin });
    expect(refused.status).toBe(409);
  });

  it('Should refuse a non-admin (403) and send a guest to sign in', async () => {
    const owner = await sessionCookie('canteen-owner@shanhai.local');
    expect((await getPage('/admin/organizations', owner)).status).toBe(403);
    expect((await postForm(`/admin/organizations/${orgIds.canteen}/suspend`, {}, { cookie: owner })).status).toBe(403);
    expect((await getPage('/admin/organizations')).status).toBe(303);
  });

  it('Should render in English with ?lang=en', async () => {
    const admin = await sessionCookie('admin@shanhai.local');
    const body = await html(await getPage('/admin/organizations?lang=en', admin));
    expect(body).toContain('Awaiting verification');
    expect(body).toContain('Audit log');
  });
});
