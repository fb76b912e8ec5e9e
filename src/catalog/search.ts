/**
 * Product search that works for Chinese and English without a Chinese word segmenter.
 *
 * SQLite FTS5's unicode61 tokenizer keeps a run of Chinese characters as one token, so "宣威火腿"
 * would only match the whole run. We therefore store, for every run of CJK characters, its single
 * characters and its character bigrams as separate tokens ("宣 威 火 腿 宣威 威火 火腿"); Latin words
 * are stored whole. A query is turned into the same tokens and ANDed, so 火腿 and 紫米 (two
 * characters, below the trigram tokenizer's reach) hit the FTS index and nothing scans the table.
 */
const CJK_RUN = /[\p{Script=Han}]+/gu;
const LATIN_WORD = /[\p{L}\p{N}]+/gu;

function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

function cjkTokens(run: string): string[] {
  const chars = [...run];
  const tokens = new Set<string>(chars);
  for (let i = 0; i + 1 < chars.length; i++) tokens.add(chars[i]! + chars[i + 1]!);
  return [...tokens];
}

/** The tokens stored in `products.search_tokens` for the given texts. */
export function searchTokens(...texts: Array<string | null | undefined>): string {
  const tokens = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    const normal = normalise(text);
    for (const run of normal.match(CJK_RUN) ?? []) for (const token of cjkTokens(run)) tokens.add(token);
    const latin = normal.replace(CJK_RUN, ' ');
    for (const word of latin.match(LATIN_WORD) ?? []) tokens.add(word);
  }
  return [...tokens].join(' ');
}

/**
 * An FTS5 MATCH expression for a user's query, or null when it has nothing searchable.
 * Chinese runs become their bigrams (or the single character); Latin words become prefix terms.
 * Every term is double-quoted, so FTS5 syntax in user input is inert.
 */
export function matchExpression(query: string): string | null {
  const normal = normalise(query).slice(0, 200);
  const terms: string[] = [];
  for (const run of normal.match(CJK_RUN) ?? []) {
    const chars = [...run];
    if (chars.length === 1) terms.push(`"${chars[0]}"`);
    for (let i = 0; i + 1 < chars.length; i++) terms.push(`"${chars[i]}${chars[i + 1]}"`);
  }
  const latin = normal.replace(CJK_RUN, ' ');
  for (const word of latin.match(LATIN_WORD) ?? []) terms.push(`"${word}"*`);
  const unique = [...new Set(terms)].slice(0, 32);
  return unique.length ? unique.join(' AND ') : null;
}
