import { describe, expect, it } from 'vitest';
import { safeRedirectPath } from '../../src/lib/safe-redirect';

/** Every trick a `next=` has been seen to use against a lenient browser, each refused to the fallback. */
const TRICKS: Array<[string, string]> = [
  ['a tab after the first slash', '/\t/evil.example'],
  ['a tab as percent-decoded by the form parser', decodeURIComponent('/%09/evil.example')],
  ['a percent-encoded tab', '/%09/evil.example'],
  ['scheme-relative', '//evil.example/steal'],
  ['slash-backslash', '/\\evil.example'],
  ['percent-encoded slash', '/%2F/evil.example'],
  ['percent-encoded backslash', '/%5Cevil.example'],
  ['CR LF (header injection)', '/account\r\nSet-Cookie: x=1'],
  ['a lone LF', '/\n/evil.example'],
  ['percent-encoded CR LF', '/account%0d%0aSet-Cookie:x=1'],
  ['NUL', '/account\u0000'],
  ['a C1 control', '/\u0085/evil.example'],
  ['a Unicode line separator', '/\u2028/evil.example'],
  ['an absolute URL', 'https://evil.example/'],
  ['a javascript: URL', 'javascript:alert(1)'],
  ['a relative path', 'evil.example'],
  ['an empty string', ''],
  ['a malformed escape', '/account%'],
  ['something that is not a string', 42 as unknown as string],
  ['a path that is too long', `/${'a'.repeat(3000)}`],
];

describe('safeRedirectPath', () => {
  it.each(TRICKS)('Should refuse %s', (_name, value) => {
    expect(safeRedirectPath(value)).toBe('/account');
  });

  it('Should use the given fallback when refusing', () => {
    expect(safeRedirectPath('//evil.example', '/')).toBe('/');
  });

  it('Should keep a same-origin path with its query and fragment', () => {
    expect(safeRedirectPath('/orders?status=paid&page=2#top')).toBe('/orders?status=paid&page=2#top');
    expect(safeRedirectPath('/search?q=%E7%81%AB%E8%85%BF')).toBe('/search?q=%E7%81%AB%E8%85%BF');
  });

  it('Should normalise dot segments so the result cannot climb into a scheme-relative URL', () => {
    expect(safeRedirectPath('/a/../orders')).toBe('/orders');
    expect(safeRedirectPath('/./orders')).toBe('/orders');
  });

  it('Should percent-encode characters a Location header cannot carry raw', () => {
    expect(safeRedirectPath('/search?q=火腿')).toBe('/search?q=%E7%81%AB%E8%85%BF');
    expect(safeRedirectPath('/a b')).toBe('/a%20b');
  });
});
