import { beforeAll, describe, expect, it } from 'vitest';
import { categories } from '../../src/lib/categories';
import { matchExpression, searchTokens } from '../../src/catalog/search';
import { cooperatives, counties } from '../../seeds/data';
import { insertProduct, seededCatalog, walkPages } from '../helpers/catalog';
import { callJson } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';

const catalog = seededCatalog();

/** Everything the seed indexes for a product, lower-cased: what a buyer's words should be found in. */
function indexedText(p: (typeof catalog)[number]): string {
  const county = counties.find((c) => c.id === p.countyId)!;
  const coop = cooperatives.find((c) => c.id === p.cooperativeId)!;
  const category = categories.find((c) => c.id === p.category)!;
  return [
    p.nameZh, p.nameEn, p.descriptionZh, p.descriptionEn, p.sku, category.nameZh, category.nameEn,
    county.nameZh, county.nameEn, county.prefectureZh, county.prefectureEn, coop.nameZh, coop.nameEn,
  ]
    .join(' ')
    .normalize('NFKC')
    .toLowerCase();
}

/** Seeded products containing a Chinese word, or having words starting with each English word. */
function expectedFor(query: string): string[] {
  const latinWords = query.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return catalog
    .filter((p) => {
      const text = indexedText(p);
      const words = text.match(/[\p{L}\p{N}]+/gu) ?? [];
      const cjk = query.match(/\p{Script=Han}+/gu) ?? [];
      return cjk.every((run) => text.includes(run)) && latinWords.every((w) => words.some((word) => word.startsWith(w)));
    })
    .map((p) => p.id)
    .sort();
}

async function search(q: string, extra = ''): Promise<string[]> {
  const { items } = await walkPages(`/api/v1/products?q=${encodeURIComponent(q)}&limit=10${extra}`);
  return items.map((i) => i.id).sort();
}

beforeAll(seedDatabase);

describe('search tokens', () => {
  it('Should store Chinese characters and bigrams and whole Latin words', () => {
    expect(searchTokens('宣威火腿', 'Xuanwei Ham').split(' ')).toEqual(['宣', '威', '火', '腿', '宣威', '威火', '火腿', 'xuanwei', 'ham']);
  });

  it('Should turn a query into quoted bigrams and prefix words, so FTS syntax is inert', () => {
    expect(matchExpression('火腿')).toBe('"火腿"');
    expect(matchExpression('紫米 purple')).toBe('"紫米" AND "purple"*');
    expect(matchExpression('宣威火腿')).toBe('"宣威" AND "威火" AND "火腿"');
    expect(matchExpression('茶')).toBe('"茶"');
    expect(matchExpression('ham" OR *')).toBe('"ham"* AND "or"*');
    expect(matchExpression('!!! ---')).toBeNull();
  });
});

describe('GET /api/v1/products?q=', () => {
  for (const word of ['火腿', '紫米', '普洱', '香菇', '宣威火腿']) {
    it(`Should find every product mentioning ${word}`, async () => {
      const expected = expectedFor(word);
      expect(expected.length).toBeGreaterThan(0);
      expect(await search(word)).toEqual(expected);
    });
  }

  for (const word of ['ham', 'purple rice', 'Pu', 'MUSHROOM', 'walnut']) {
    it(`Should find English words by prefix: "${word}"`, async () => {
      const expected = expectedFor(word);
      expect(expected.length).toBeGreaterThan(0);
      expect(await search(word)).toEqual(expected);
    });
  }

  it('Should find ham products by their Chinese and English names alike', async () => {
    const zh = await search('火腿');
    const en = await search('ham');
    const hams = catalog.filter((p) => p.category === 'ham').map((p) => p.id);
    for (const id of hams) {
      expect(zh).toContain(id);
      expect(en).toContain(id);
    }
  });

  it('Should combine search with filters and paging', async () => {
    const expected = catalog.filter((p) => p.category === 'ham' && expectedFor('火腿').includes(p.id)).map((p) => p.id).sort();
    expect(await search('火腿', '&category=ham&sort=price')).toEqual(expected);
  });

  it('Should return nothing for a word no product has', async () => {
    expect(await search('鲍鱼')).toEqual([]);
    expect(await search('caviar')).toEqual([]);
  });

  it('Should treat FTS operators and quotes as plain text, never a 500', async () => {
    for (const q of ['"', 'ham OR', 'NEAR(ham', '*', 'ham" AND "tea', "pu'er"]) {
      const { status } = await callJson(`/api/v1/products?q=${encodeURIComponent(q)}`);
      expect(status, q).toBe(200);
    }
  });

  it('Should match nothing, not everything, when the query has no searchable character', async () => {
    const { status, body } = await callJson(`/api/v1/products?q=${encodeURIComponent('!!!')}`);
    expect(status).toBe(200);
    expect(body.items).toEqual([]);
  });

  it('Should ignore a blank query', async () => {
    const { body } = await callJson('/api/v1/products?q=%20%20&limit=100');
    expect(body.items).toHaveLength(catalog.length);
  });

  it('Should not find unpublished products', async () => {
    await insertProduct({ status: 'draft', nameZh: '隐藏的松露', nameEn: 'Hidden truffle' });
    expect(await search('松露')).toEqual([]);
    expect(await search('truffle')).toEqual([]);
  });
});
