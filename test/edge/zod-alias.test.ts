import * as zod from 'zod';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JS build alias, no types of its own (wrangler.toml [alias])
import * as slim from '../../build/zod-two-locales/index.js';

/** The build-time alias of `zod` (build/zod-two-locales) must be zod minus the locales we never speak. */
describe('zod with two locales', () => {
  const withoutLocales = (ns: object) => Object.keys(ns).filter((k) => k !== 'locales').sort();

  it("Should export every name zod exports, at top level, on z and on z.core", () => {
    expect(Object.keys(slim).sort()).toEqual(Object.keys(zod).sort());
    expect(withoutLocales(slim.z)).toEqual(withoutLocales(zod.z));
    expect(withoutLocales(slim.z.core)).toEqual(withoutLocales(zod.z.core));
  });

  it('Should be the same zod underneath, so schemas of either are interchangeable', () => {
    expect(slim.z.string).toBe(zod.z.string);
    expect(slim.z.ZodError).toBe(zod.z.ZodError);
    expect(zod.z.object({ a: slim.z.number() }).safeParse({ a: 1 }).success).toBe(true);
  });

  it('Should carry only the en and zh-CN locales, and word errors in Chinese with zhCN', () => {
    expect(Object.keys(slim.z.locales).sort()).toEqual(['en', 'zhCN']);
    expect(Object.keys(slim.z.core.locales).sort()).toEqual(['en', 'zhCN']);
    const result = slim.z.string().safeParse(1, { error: slim.z.locales.zhCN().localeError });
    expect(result.error?.issues[0]?.message).toMatch(/[\u4e00-\u9fff]/);
  });
});
