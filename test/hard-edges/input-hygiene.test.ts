import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, callJson, demoToken, freshIp, newUser } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { orgIds } from '../helpers/accounts';
import { coops, productBody } from '../helpers/cooperatives';
import { orderBody, makeCooperative, makeProduct } from '../helpers/orders';
import { createBody, joinBody, openGroupBuy } from '../helpers/group-buys';

let tokens: Record<'owner' | 'purchaser' | 'coop' | 'showroom' | 'admin' | 'buyer', string>;
let product: string;
let groupBuyId: string;

beforeAll(async () => {
  await seedDatabase();
  tokens = {
    owner: await demoToken('canteenOwner'),
    purchaser: await demoToken('canteenPurchaser'),
    coop: await demoToken('coopStaffA'),
    showroom: await demoToken('showroomManager'),
    admin: await demoToken('admin'),
    buyer: await demoToken('buyer'),
  };
  product = await makeProduct({ cooperativeId: await makeCooperative(), stock: 50 });
  groupBuyId = (await openGroupBuy(tokens.showroom)).id;
});

const TABLES = ['organization', 'delivery_locations', 'products', 'group_buys', 'group_buy_participants', 'orders', 'districts'];
async function rowCounts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) out[table] = (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())!.n;
  return out;
}

const location = { label: '后厨', recipient: '王师傅', phone: '13800000001', districtId: 'baoshan', street: '友谊路 1 号' };

/** Multi-line fields keep line breaks, so they are tried with another control instead. */
const notLineBreak = (bad: string) => (/^[\r\n]+$/.test(bad) ? '\u0000' : bad);

/** Ten write endpoints, each given one text field carrying `bad` inside it (at the ends it would be trimmed). */
const CASES: Array<[string, (bad: string) => [string, keyof typeof tokens | null, unknown], string]> = [
  ['organisation name', (bad) => ['/api/v1/organizations', 'buyer', { kind: 'canteen', name: `食堂${bad}一号` }], 'body.name'],
  ['delivery-location label', (bad) => [`/api/v1/organizations/${orgIds.canteen}/delivery-locations`, 'owner', { ...location, label: `后${bad}厨` }], 'body.label'],
  ['delivery-location recipient', (bad) => [`/api/v1/organizations/${orgIds.canteen}/delivery-locations`, 'owner', { ...location, recipient: `王${bad}师傅` }], 'body.recipient'],
  ['product name', (bad) => ['/api/v1/products', 'coop', productBody(coops.a, { nameZh: `火${bad}腿` })], 'body.nameZh'],
  ['product description', (bad) => ['/api/v1/products', 'coop', productBody(coops.a, { descriptionZh: `好${notLineBreak(bad)}吃` })], 'body.descriptionZh'],
  ['group-buy title', (bad) => ['/api/v1/group-buys', 'showroom', createBody({ title: `团${bad}购` })], 'body.title'],
  ['participant name', (bad) => [`/api/v1/group-buys/${groupBuyId}/participants`, null, joinBody({ name: `张${bad}阿姨` })], 'body.name'],
  ['order contact name', (bad) => ['/api/v1/orders', null, orderBody([{ productId: product, quantity: 1 }], { contact: { name: `李${bad}女士`, phone: '13800000001' } })], 'body.contact.name'],
  ['order ship-to street', (bad) => ['/api/v1/orders', null, orderBody([{ productId: product, quantity: 1 }], { delivery: { method: 'ship', address: { recipient: '李女士', phone: '13800000001', districtId: 'yangpu', street: `控江路${bad}1000 号` } } })], 'body.delivery.address.street'],
  ['district note', (bad) => ['/api/v1/admin/districts', 'admin', { id: `test-${crypto.randomUUID().slice(0, 6)}`, nameZh: '测试区', nameEn: 'Test', pairingNoteZh: `备${notLineBreak(bad)}注` }], 'body.pairingNoteZh'],
];

describe('control characters at the zod boundary', () => {
  for (const [label, bad] of [['NUL', '\u0000'], ['BEL', '\u0007'], ['CR LF', '\r\n'], ['LF', '\n'], ['a C1 control', '\u009b']] as const) {
    it.each(CASES)(`Should refuse ${label} in the %s with rule control_characters and write nothing`, async (_name, build, path) => {
      const [url, who, json] = build(bad);
      const before = await rowCounts();
      const { status, body } = await callJson(url, { method: 'POST', token: who ? tokens[who] : undefined, json });
      expect(status, JSON.stringify(body)).toBe(400);
      expect(body.errors).toContainEqual(expect.objectContaining({ path, rule: 'control_characters' }));
      expect(await rowCounts()).toEqual(before);
    });
  }

  it('Should store a trimmed, NFC-normalised organisation name', async () => {
    const { status, body } = await callJson('/api/v1/organizations', { method: 'POST', token: tokens.buyer, json: { kind: 'canteen', name: '  Cafe\u0301 食堂  ' } });
    expect(status).toBe(201);
    const stored = await env.DB.prepare('SELECT name FROM organization WHERE id = ?').bind(body.id).first<{ name: string }>();
    expect(stored!.name).toBe('Café 食堂');
  });

  it('Should keep line breaks in a product description (a multi-line field)', async () => {
    const { status, body } = await callJson('/api/v1/products', { method: 'POST', token: tokens.coop, json: productBody(coops.a, { descriptionZh: '第一段\r\n第二段' }) });
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body.descriptionZh).toBe('第一段\n第二段');
  });
});

describe('a person’s name at sign-up and on the profile (Better Auth)', () => {
  const userCount = async () => (await env.DB.prepare('SELECT count(*) AS n FROM user').first<{ n: number }>())!.n;
  const signUp = (name: string, email = `hygiene-${crypto.randomUUID().slice(0, 8)}@test.local`) =>
    callJson('/api/auth/sign-up/email', { method: 'POST', json: { email, password: 'test-password-123', name }, headers: { 'cf-connecting-ip': freshIp() } });

  for (const [label, bad] of [['NUL', '\u0000'], ['BEL', '\u0007'], ['a tab', '\t'], ['LF', '\n'], ['a C1 control', '\u009b']] as const) {
    it(`Should refuse ${label} in the name at sign-up and create no account`, async () => {
      const before = await userCount();
      const { status, body } = await signUp(`张${bad}三`);
      expect(status).toBe(400);
      expect(body.code).toBe('CONTROL_CHARACTERS');
      expect(await userCount()).toBe(before);
    });
  }

  it('Should store the name trimmed and NFC-normalised, and refuse a blank one', async () => {
    const { status, body } = await signUp('  Rene\u0301 李  ');
    expect(status).toBe(200);
    expect((await env.DB.prepare('SELECT name FROM user WHERE id = ?').bind(body.user.id).first<{ name: string }>())!.name).toBe('René 李');
    expect((await signUp('   ')).body.code).toBe('INVALID_NAME');
  });

  it('Should refuse a control character when the name is changed, keeping the old one', async () => {
    const person = await newUser('原名');
    const res = await callJson('/api/auth/update-user', { method: 'POST', token: person.token, json: { name: '新\u0007名' } });
    expect(res.status).toBe(400);
    expect((await env.DB.prepare('SELECT name FROM user WHERE id = ?').bind(person.id).first<{ name: string }>())!.name).toBe('原名');
  });

  it('Should say so on the sign-up page in its language', async () => {
    const form = new URLSearchParams({ name: '王\t五', email: `page-${crypto.randomUUID().slice(0, 8)}@test.local`, password: 'test-password-123', next: '/' });
    const res = await call('/sign-up', { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': freshIp() }, redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('不能包含控制字符');
  });
});
