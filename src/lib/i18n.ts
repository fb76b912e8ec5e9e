import { parseAccept } from 'hono/utils/accept';

export const LOCALES = ['zh', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: unknown): value is Locale {
  return value === 'zh' || value === 'en';
}

/**
 * Each domain keeps its own page strings as `{ zh: {...}, en: {...} }` and picks with this, so no
 * central dictionary becomes everyone's merge conflict.
 */
export function messages<T extends Record<string, string>>(dict: { zh: T; en: { [K in keyof T]: string } }) {
  return (locale: Locale) => (locale === 'en' ? dict.en : dict.zh) as { [K in keyof T]: string };
}

/** Picks `nameZh` / `nameEn` (or any `<field>Zh` / `<field>En` pair) by locale. */
export function localized<F extends string>(row: Record<`${F}Zh` | `${F}En`, string | null>, field: F, locale: Locale): string {
  const zh = row[`${field}Zh`] ?? '';
  const en = row[`${field}En`] ?? '';
  return locale === 'en' ? en || zh : zh || en;
}

/**
 * A first visit's language from `Accept-Language` (Hono's parser, quality-ordered): the best-rated of
 * zh* / en*; Chinese when neither is asked for, as most visitors are in Shanghai.
 */
export function localeFromAcceptLanguage(header: string | undefined): Locale {
  if (!header) return 'zh';
  const ranked = parseAccept(header)
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { type } of ranked) {
    const primary = type.toLowerCase().split('-')[0];
    if (primary === 'zh' || primary === 'en') return primary;
  }
  return 'zh';
}

/** `{name}` placeholders filled in. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? `{${key}}`));
}
