import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { PRODUCTS, joinGroupBuy, openGroupBuy } from '../helpers/group-buys';

let showroom: string;

beforeAll(async () => {
  await seedDatabase();
  showroom = await demoToken('showroomManager');
});

const meta = (html: string, property: string) => new RegExp(`<meta property="${property}" content="([^"]+)"`).exec(html)?.[1];

describe('the share page', () => {
  it('Should carry Open Graph tags with an absolute PNG or JPEG of at least 300×300', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: 3 });
    const html = await (await call(`/g/${group.shortCode}`)).text();
    expect(meta(html, 'og:title')).toBe('永胜香菇社区团购');
    expect(meta(html, 'og:description')).toMatch(/团购价 ¥(42\.80|32\.80)（原价 ¥(48\.80|36\.80)）/);
    expect(meta(html, 'og:description')).toMatch(/自提时间（北京时间）: \d{4}-\d{2}-\d{2} 周. \d{2}:\d{2}–\d{2}:\d{2}/);
    expect(meta(html, 'og:url')).toBe(group.shareUrl);
    const image = meta(html, 'og:image')!;
    expect(image).toMatch(/^http:\/\/localhost:8787\/.+\.(png|jpe?g)$/);
    // The card is a static asset: fetch it as WeChat's crawler would and read the PNG header.
    const res = await env.ASSETS.fetch(image);
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(16)).toBeGreaterThanOrEqual(300);
    expect(view.getUint32(20)).toBeGreaterThanOrEqual(300);
  });

  it('Should show a ticking HH:MM:SS countdown from server time, what is still needed, and who joined', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: 3 });
    await joinGroupBuy(group.id, { name: '张阿姨' });
    const html = await (await call(`/g/${group.shortCode}`)).text();
    expect(html).toMatch(/data-testid="countdown"[^>]*>(\d+天 )?\d{2}:\d{2}:\d{2}</);
    expect(html).toMatch(/data-now="\d+"/);
    expect(html).toContain('还差 2 人 成团');
    expect(html).toContain('<span class="gb-avatar">张**</span>');
    expect(html).not.toContain('张阿姨');
  });

  it('Should start the first product at one with steppers and a sticky join button', async () => {
    const group = await openGroupBuy(showroom);
    const html = await (await call(`/g/${group.shortCode}`)).text();
    const values = [PRODUCTS.shiitake, PRODUCTS.freshShiitake].map((id) => new RegExp(`name="qty_${id}"[^>]*value="(\\d+)"`).exec(html)?.[1]);
    // The first product listed starts at one, the other at zero.
    expect(values.sort()).toEqual(['0', '1']);
    expect(html).toContain('data-step-by="1"');
    expect(html).toMatch(/class="gb-sticky"><button type="submit" class="gb-big"/);
  });
});

describe("the participant's page", () => {
  it('Should lead with inviting neighbours, then the pickup code as text and QR with the pickup window', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: 3 });
    const joined = await joinGroupBuy(group.id);
    const html = await (await call(`/g/${group.shortCode}/me?token=${joined.body.accessToken}`)).text();
    expect(html.indexOf('邀请邻居成团')).toBeGreaterThan(-1);
    expect(html.indexOf('邀请邻居成团')).toBeLessThan(html.indexOf('data-testid="pickup-code"'));
    expect(html).toMatch(/data-testid="pickup-qr"[^>]*><svg/);
    expect(html).toMatch(/data-testid="me-pickup-window">\d{4}-\d{2}-\d{2} 周. \d{2}:\d{2}–\d{2}:\d{2}</);
    // Cancelling stays possible, folded away below everything else.
    expect(html.indexOf('<details')).toBeGreaterThan(html.indexOf('data-testid="pickup-code"'));
  });

  it('Should answer a link without its token in Chinese and reveal nothing', async () => {
    const group = await openGroupBuy(showroom);
    const joined = await joinGroupBuy(group.id, { name: '孙阿姨' });
    for (const path of [`/g/${group.shortCode}/me`, `/g/${group.shortCode}/me?token=wrong`]) {
      const res = await call(path);
      expect(res.status).toBe(404);
      const html = await res.text();
      expect(html).toContain('这个链接缺少参团凭证');
      expect(html).not.toContain(joined.body.pickupCode);
      expect(html).not.toContain('孙阿姨');
      expect(html).not.toMatch(/No participation/);
    }
  });
});
