import { z } from '@hono/zod-openapi';

/**
 * The one schema for text people type — names, titles, labels, addresses, notes — at the zod boundary.
 *
 * Trimmed and NFC-normalised (so `é` typed two ways is one name, and lengths count what is stored), and
 * refused when it holds a control character: NUL, BEL, ESC, CR/LF and the C1 range end up in CSV exports,
 * pick lists, printed invoices and SMS templates, where they break lines or hide text. A multi-line field
 * (a note, a story) keeps newlines, with CRLF and lone CR turned into LF first; tabs are refused everywhere.
 * Lengths are always bounded.
 *
 * @example const name = textField({ max: 100, min: 1 });
 * @example const note = textField({ max: 1000, multiline: true });
 */

export const CONTROL_CHARACTER_RULE = 'control_characters';

// C0 controls, DEL, C1 controls, and the Unicode line/paragraph separators that some renderers break on.
const SINGLE_LINE_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const MULTI_LINE_FORBIDDEN = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

export type TextFieldOptions = { max: number; min?: number; multiline?: boolean };

export function hasControlCharacters(value: string, multiline = false): boolean {
  return (multiline ? MULTI_LINE_FORBIDDEN : SINGLE_LINE_FORBIDDEN).test(value);
}

export function textField({ max, min = 0, multiline = false }: TextFieldOptions) {
  let schema = z.string();
  if (multiline) schema = schema.overwrite((value) => value.replace(/\r\n?/g, '\n'));
  schema = schema
    .trim()
    .normalize('NFC')
    .refine((value) => !hasControlCharacters(value, multiline), {
      message: multiline ? 'Control characters other than line breaks are not allowed' : 'Control characters (such as line breaks or tabs) are not allowed',
      params: { rule: CONTROL_CHARACTER_RULE },
    });
  if (min > 0) schema = schema.min(min);
  return schema.max(max);
}

/** Optional text: a blank value is kept as given (''), absence as undefined. */
export const optionalTextField = (options: TextFieldOptions) => textField(options).optional();
