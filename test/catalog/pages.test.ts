import { beforeAll, describe, expect, it } from 'vitest';
import { PRODUCT_CATEGORIES } from '../../src/db/schema';
import { cooperatives, counties } from '../../seeds/data';
import { addImage, insertProduct, seededCatalog } from '../helpers/catalog';
import { call } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';

const catalog = seededCatalog();

async function page(path: string, headers: Record<string, string> = {}) {
  const res = await call(path, { headers });
  return { status: res.status, html: await res.text(), res };
}

/** Product ids linked from a page's product cards, in order. */
function cardIds(html: string): string[] {
  return [...html.matchAll(/data-product-id="([^"]+)"/g)].map((m) => m[1]!);
}

function nextHref(html: string): string | null {
  const match = /<a rel="next" href="([^"]+)"/.exec(html);
  return match ? match[1]!.replace(/&amp;/g, '&') : null;
}

beforeAll(seedDatabase);

describe('language', () => {
  it('Should render in Chinese by default', async () => {
    const { status, html } = await page('/');
    expect(status).toBe(200);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('山海结对');
  });

  it('Should switch to English with ?lang=en and remember it in a cookie', async () => {
    const { html, res } = await page('/products?lang=en');
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Apply filters');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/lang=en/);
    const again = await page('/products/prd_xw_ham_001', { cookie: 'lang=en' });
    expect(again.html).toContain('<html lang="en">');
    expect(again.html).toContain('Add to cart');
    const back = await page('/?lang=zh', { cookie: 'lang=en' });
    expect(back.html).toContain('<html lang="zh-CN">');
  });

  it('Should offer a visible switch that keeps the current filters', async () => {
    const { html } = await page('/products?category=tea');
    expect(html).toContain('href="/products?category=tea&amp;lang=en"');
  });
});

describe('home page', () => {
  it('Should show the pairing story, the categories, featured products and their counties', async () => {
    const { html } = await page('/');
    expect(html).toContain('上海各区与云南、新疆、西藏、青海的县市结对帮扶');
    for (const category of PRODUCT_CATEGORIES) expect(html).toContain(`href="/products?category=${category}"`);
    const featured = catalog.filter((p) => p.featured);
    expect(cardIds(html).sort()).toEqual(featured.map((p) => p.id).sort());
    for (const p of featured) expect(html).toContain(`href="/counties/${p.countyId}"`);
    expect(html).toMatch(/<form method="get" action="\/products"[^>]*role="search"/);
  });
});

describe('catalog page', () => {
  it('Should list products with a filter form whose every field has a label', async () => {
    const { status, html } = await page('/products');
    expect(status).toBe(200);
    expect(cardIds(html)).toHaveLength(24);
    for (const field of ['q', 'category', 'district', 'county', 'minPrice', 'maxPrice', 'sort']) {
      const id = new RegExp(`id="(f-[a-z]+)"[^>]*name="${field}"|name="${field}"[^>]*id="(f-[a-z]+)"`).exec(html);
      expect(id, field).not.toBeNull();
      expect(html).toContain(`for="${id![1] ?? id![2]}"`);
    }
  });

  it('Should filter by category', async () => {
    const { html } = await page('/products?category=ham');
    expect(cardIds(html).sort()).toEqual(catalog.filter((p) => p.category === 'ham').map((p) => p.id).sort());
    expect(html).toMatch(/<option value="ham" selected="">/);
  });

  it('Should search 火腿 and combine it with the district filter', async () => {
    const { html } = await page(`/products?q=${encodeURIComponent('火腿')}&district=yangpu&category=&county=`);
    const expected = catalog.filter((p) => p.districtId === 'yangpu' && (p.nameZh + p.descriptionZh).includes('火腿'));
    expect(expected.length).toBeGreaterThan(0);
    for (const p of expected) expect(cardIds(html)).toContain(p.id);
    expect(cardIds(html).every((id) => catalog.find((p) => p.id === id)?.districtId === 'yangpu')).toBe(true);
  });

  it('Should take the price range in yuan', async () => {
    const { html } = await page('/products?minPrice=50&maxPrice=100.5');
    const expected = catalog.filter((p) => p.unitPriceFen >= 5000 && p.unitPriceFen <= 10050);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThanOrEqual(24);
    expect(cardIds(html).sort()).toEqual(expected.map((p) => p.id).sort());
    expect(html).toContain('value="100.5"');
  });

  it('Should fall back to the defaults for an unreadable price or category and say so', async () => {
    const { status, html } = await page('/products?minPrice=cheap&category=caviar');
    expect(status).toBe(200);
    expect(html).toContain('class="notice" role="status"');
    expect(html).toContain('价格请填写元为单位的数字');
    expect(html).toContain('品类: 无法识别，已忽略');
    expect(cardIds(html).length).toBeGreaterThan(0);
  });

  it('Should show the first page with a notice when the cursor is stale', async () => {
    const { status, html } = await page('/products?cursor=garbage');
    expect(status).toBe(200);
    expect(html).toContain('分页链接已失效');
    expect(cardIds(html)).toHaveLength(24);
  });

  it('Should page with next links through every product once', async () => {
    const seen: string[] = [];
    let href: string | null = '/products?sort=price';
    while (href) {
      const { html } = await page(href);
      seen.push(...cardIds(html));
      href = nextHref(html);
    }
    expect(seen).toHaveLength(catalog.length);
    expect(new Set(seen).size).toBe(catalog.length);
  });
});

describe('product page', () => {
  it('Should show price, tiers, order rules, stock and full provenance', async () => {
    const p = catalog.find((x) => x.sku === 'XW-HAM-003')!;
    const coop = cooperatives.find((c) => c.id === p.cooperativeId)!;
    const { status, html } = await page(`/products/${p.id}`);
    expect(status).toBe(200);
    expect(html).toContain(`<h1>${p.nameZh}</h1>`);
    expect(html).toContain('¥168.00');
    for (const tier of p.priceTiers) expect(html).toContain(`¥${(tier.unitPriceFen / 100).toFixed(2)}`);
    // Provenance: county, prefecture and province, paired district and kind, cooperative and households.
    expect(html).toContain('云南省曲靖市宣威市');
    expect(html).toContain('宝山区');
    expect(html).toContain('东西部扶贫协作');
    expect(html).toContain(`href="/cooperatives/org_coop_${coop.id}"`);
    expect(html).toContain(coop.nameZh);
    expect(html).toContain(`${coop.householdsBenefited} 户`);
    expect(html).toContain(coop.certificationNo);
    expect(html).toContain(`${p.shelfLifeDays} 天`);
    expect(html).toContain(p.storageZh);
    // The illustration stands in for the missing photo.
    expect(html).toMatch(/<img src="\/illustrations\/ham\.svg\?v=\d+"/);
  });

  it('Should post an add-to-cart form with the product, MOQ and step', async () => {
    const p = catalog.find((x) => x.sku === 'XW-HAM-003')!;
    const { html } = await page(`/products/${p.id}`);
    expect(html).toMatch(/<form method="post" action="\/cart\/items"/);
    expect(html).toContain(`<input type="hidden" name="productId" value="${p.id}"/>`);
    const input = /<input id="quantity"[^>]*>/.exec(html)![0];
    expect(input).toContain('name="quantity"');
    expect(input).toContain(`min="${p.minOrderQuantity}"`);
    expect(input).toContain(`step="${p.orderStep}"`);
    expect(input).toContain('type="number"');
    expect(html).toContain('<label for="quantity" class="visually-hidden">');
  });

  it('Should show the photos when the product has some', async () => {
    const id = await insertProduct({ imageKey: 'products/p/1.jpg' });
    await addImage(id, 'products/p/1.jpg', 0);
    await addImage(id, 'products/p/2.jpg', 1);
    const { html } = await page(`/products/${id}`);
    expect(html).toContain('<img src="/photos/products/p/1.jpg"');
    expect(html).toContain('src="/photos/products/p/2.jpg"');
    expect(html).not.toContain('/illustrations/ham.svg');
  });

  it('Should render in English with ?lang=en', async () => {
    const { html } = await page('/products/prd_xw_ham_001?lang=en');
    expect(html).toContain('Xuanwei City, Qujing, Yunnan');
    expect(html).toContain('Baoshan District');
    expect(html).toContain('East–west collaboration');
    expect(html).toContain('Registered poor households reached');
  });

  it('Should answer 404 with an HTML page for an unknown or unpublished product', async () => {
    const draft = await insertProduct({ status: 'draft' });
    for (const path of ['/products/prd_missing', `/products/${draft}`]) {
      const { status, html, res } = await page(path);
      expect(status).toBe(404);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(html).toContain('href="/products"');
    }
  });
});

describe('origins pages', () => {
  it('Should list every county under its district and pairing kind', async () => {
    const { html } = await page('/counties');
    for (const county of counties) expect(html).toContain(`href="/counties/${county.id}"`);
    expect(html).toContain('对口支援');
  });

  it("Should show a county's pairing, cooperatives and products", async () => {
    const { status, html } = await page('/counties/mojiang');
    expect(status).toBe(200);
    expect(html).toContain('云南省普洱市墨江县');
    expect(html).toContain('金山区');
    for (const coop of cooperatives.filter((c) => c.countyId === 'mojiang')) expect(html).toContain(`/cooperatives/org_coop_${coop.id}`);
    expect(cardIds(html).sort()).toEqual(catalog.filter((p) => p.countyId === 'mojiang').map((p) => p.id).sort());
  });

  it("Should show a cooperative's story, households and products", async () => {
    const coop = cooperatives.find((c) => c.id === 'mojiang-purple-rice')!;
    const { status, html } = await page(`/cooperatives/org_coop_${coop.id}`);
    expect(status).toBe(200);
    expect(html).toContain(coop.nameZh);
    expect(html).toContain(coop.storyZh);
    expect(html).toContain(`${coop.householdsBenefited} 户`);
    expect(cardIds(html).sort()).toEqual(catalog.filter((p) => p.cooperativeId === coop.id).map((p) => p.id).sort());
  });

  it('Should answer 404 pages for unknown counties and non-cooperative organisations', async () => {
    expect((await page('/counties/atlantis')).status).toBe(404);
    expect((await page('/cooperatives/org_baoshan_canteen')).status).toBe(404);
  });
});

describe('illustrations', () => {
  it('Should serve an SVG per category with a long cache', async () => {
    for (const category of PRODUCT_CATEGORIES) {
      const { status, html, res } = await page(`/illustrations/${category}.svg`);
      expect(status, category).toBe(200);
      expect(res.headers.get('content-type')).toContain('image/svg+xml');
      expect(res.headers.get('cache-control')).toContain('max-age=31536000');
      expect(html).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*role="img" aria-label="[^"]+"/);
    }
  });

  it('Should give each category its own drawing', async () => {
    const drawings = await Promise.all(PRODUCT_CATEGORIES.map(async (c) => (await page(`/illustrations/${c}.svg`)).html));
    expect(new Set(drawings).size).toBe(PRODUCT_CATEGORIES.length);
  });

  it('Should answer 404 for an unknown illustration', async () => {
    expect((await page('/illustrations/caviar.svg')).status).toBe(404);
    expect((await page('/illustrations/ham.png')).status).toBe(404);
  });
});

describe('storefront shell', () => {
  it('Should pick English on a first visit whose Accept-Language prefers it, and let the cookie and ?lang= win', async () => {
    expect((await page('/', { 'accept-language': 'en-GB,en;q=0.9,zh-CN;q=0.5' })).html).toContain('<html lang="en">');
    expect((await page('/', { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' })).html).toContain('<html lang="zh-CN">');
    expect((await page('/', { 'accept-language': 'fr-FR' })).html).toContain('<html lang="zh-CN">');
    expect((await page('/', { 'accept-language': 'en', cookie: 'lang=zh' })).html).toContain('<html lang="zh-CN">');
    expect((await page('/?lang=zh', { 'accept-language': 'en' })).html).toContain('<html lang="zh-CN">');
  });

  it('Should start every page with a doctype and link styles and scripts as hashed static assets, nothing inline', async () => {
    for (const path of ['/', '/products', '/products/prd_xw_ham_001', '/counties/mojiang']) {
      const { html } = await page(path);
      expect(html.startsWith('<!doctype html>'), path).toBe(true);
      expect(html).toMatch(/<link rel="stylesheet" href="\/assets\/css\/base\.[0-9a-f]{10}\.css"/);
      expect(html).not.toContain('<style');
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)/);
    }
  });

  it('Should show the bottom tab bar with the five sections and the cart count from the cookie', async () => {
    const { html } = await page('/products', { cookie: 'shanhai_cart_n=3' });
    const tabs = /<nav class="tabs"[^>]*>([\s\S]*?)<\/nav>/.exec(html)![1]!;
    for (const label of ['首页', '分类', '团购', '购物车', '我的']) expect(tabs).toContain(label);
    expect(tabs).toMatch(/href="\/products" aria-current="page"/);
    expect(tabs).toContain('data-n="3"');
  });

  it('Should fall back to the default order for a hand-edited sort and say so, while the API keeps its 400', async () => {
    const { status, html } = await page('/products?sort=price_asc');
    expect(status).toBe(200);
    expect(html).toContain('排序: 无法识别，已忽略');
    expect(cardIds(html)).toHaveLength(24);
    expect((await call('/api/v1/products?sort=price_asc')).status).toBe(400);
  });

  it('Should offer a sort bar and a category rail of links on the catalog', async () => {
    const { html } = await page('/products?category=tea');
    expect(html).toMatch(/<nav class="sortbar"[^>]*>/);
    expect(html).toContain('href="/products?category=tea&amp;sort=price"');
    expect(html).toMatch(/<a href="\/products\?category=tea" aria-current="true">/);
  });

  it('Should put 加入购物车 and 立即购买 in one sticky bar on the product page', async () => {
    const { html } = await page('/products/prd_xw_ham_001');
    const bar = /<form method="post" action="\/cart\/items" class="buybar"[\s\S]*?<\/form>/.exec(html)![0];
    expect(bar).toContain('加入购物车');
    expect(bar).toContain('<button type="submit" class="accent" formmethod="get" formaction="/checkout">立即购买</button>');
  });

  it('Should suggest searches and categories when nothing matches, and a search box on a 404', async () => {
    const { html } = await page('/products?q=zzzzzz');
    expect(html).toContain('没有找到符合条件的商品');
    expect(html).toContain('href="/products?q=%E7%81%AB%E8%85%BF"');
    const missing = await page('/products/prd_missing');
    expect(missing.status).toBe(404);
    expect(missing.html).toContain('id="notfound-q"');
  });

  it('Should print no "DEMO" on any customer page', async () => {
    const coop = cooperatives[0]!;
    for (const path of ['/', '/products', '/products/prd_xw_ham_003', '/counties/xuanwei', `/cooperatives/org_coop_${coop.id}`, '/cart']) {
      const { html } = await page(path);
      expect(html, path).not.toMatch(/demo/i);
    }
  });
});
