import type { z } from '@hono/zod-openapi';
// The two locales we speak, imported one by one: reaching them through `z.locales` made the bundle carry all
// of zod's 40-odd languages (262 KiB minified).
import en from 'zod/v4/locales/en.js';
import zhCN from 'zod/v4/locales/zh-CN.js';
import { issueRule, type FieldError } from './errors';
import { CONTROL_CHARACTER_RULE } from './text';
import type { Locale } from './i18n';

// zod ships its own translations; the messages of issues without a custom message come out in the page's language.
const ZOD_MESSAGES: Record<Locale, z.core.$ZodErrorMap> = { zh: zhCN().localeError, en: en().localeError };

/** Refusals of the shared schemas (src/lib/text.ts), worded in the page's language by their rule. */
const RULE_MESSAGES: Record<Locale, Record<string, string>> = {
  zh: { [CONTROL_CHARACTER_RULE]: '不能包含控制字符（如制表符或不该有的换行）' },
  en: { [CONTROL_CHARACTER_RULE]: 'Control characters (such as tabs or stray line breaks) are not allowed' },
};

/** Names a field of the form the way its label does, from the schema path of an issue (`items.2.maxQuantity`). */
export type FieldLabel = (path: string) => string | undefined;

/** A problem prefixed with the field's label, in the way each language punctuates it. */
export function labelled(label: string | undefined, message: string, locale: Locale): string {
  if (!label) return message;
  return locale === 'zh' ? `${label}：${message}` : `${label}: ${message}`;
}

/**
 * Parses a form with the API's own schema, so pages and API accept exactly the same input, with zod's
 * messages in the page's language. `withLabels` then leads each problem with the field's label rather
 * than its JSON path.
 *
 * @example
 * const parsed = parseForm(joinSchema, body, c.var.locale);
 * if (!parsed.success) return joinPage(c, group, withLabels(parsed.issues, c.var.locale, (path) => ({ name: m.name })[path]));
 */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown, locale: Locale): { success: true; data: z.output<S> } | { success: false; issues: FieldError[] } {
  const parsed = schema.safeParse(body, { error: ZOD_MESSAGES[locale] });
  if (parsed.success) return { success: true, data: parsed.data };
  return {
    success: false,
    issues: parsed.error.issues.map((issue) => {
      const rule = issueRule(issue);
      const message = (rule && RULE_MESSAGES[locale][rule]) || issue.message;
      return { path: issue.path.map(String).join('.'), message, ...(rule ? { rule } : {}) };
    }),
  };
}

export function withLabels(issues: FieldError[], locale: Locale, label: FieldLabel): FieldError[] {
  return issues.map((issue) => ({ path: issue.path, message: labelled(label(issue.path), issue.message, locale) }));
}
