import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv, toCsv } from '../../src/lib/csv';
import { formatTiers, parseTiers, priceTierProblems } from '../../src/cooperatives/product-rules';

describe('parseCsv', () => {
  it('Should read quoted fields with commas, doubled quotes and line breaks', () => {
    expect(parseCsv('sku,name\r\nA-1,"Ham, ""whole""\nleg"\r\n')).toEqual([
      ['sku', 'name'],
      ['A-1', 'Ham, "whole"\nleg'],
    ]);
  });

  it('Should accept LF and CR line ends, a BOM, and no final newline', () => {
    expect(parseCsv('\ufeffa,b\nc,d')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(parseCsv('a,b\rc,d\r')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('Should keep empty fields, including a trailing one', () => {
    expect(parseCsv('a,,c,\n')).toEqual([['a', '', 'c', '']]);
    expect(parseCsv('"",x')).toEqual([['', 'x']]);
  });

  it('Should reject an unclosed quote and a quote inside a bare field, naming the line', () => {
    expect(() => parseCsv('a,b\n"c,d\n')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('a,b\nc"d,e\n')).toThrow(/line 2/);
    expect(() => parseCsv('"a"b,c')).toThrow(/closing quote/);
  });

  it('Should read back whatever toCsv writes', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }), (rows) => {
        // Cells that look like formulas are written with a leading apostrophe on purpose.
        const safe = rows.map((r) => r.map((cell) => cell.replace(/^[=+\-@\t\r]+/, '')));
        const parsed = parseCsv(toCsv(safe));
        expect(parsed).toEqual(safe.map((r) => (r.length === 1 && r[0] === '' ? [''] : r)));
      }),
    );
  });

  it('Should neutralise spreadsheet formulas but not negative numbers', () => {
    expect(toCsv([['=HYPERLINK("x")', '-1200', '@SUM(A1)']])).toBe('\ufeff"\'=HYPERLINK(""x"")",-1200,\'@SUM(A1)\r\n');
  });
});

describe('price tiers as text', () => {
  it('Should parse and format quantity:yuan tiers', () => {
    expect(parseTiers('10:62.80;50:58.8')).toEqual([
      { minQuantity: 10, unitPriceFen: 6280 },
      { minQuantity: 50, unitPriceFen: 5880 },
    ]);
    expect(parseTiers('10：62.80，50：58.80')).toHaveLength(2);
    expect(parseTiers('')).toEqual([]);
    expect(parseTiers('ten:5')).toBeNull();
    expect(parseTiers('10:5.555')).toBeNull();
    expect(formatTiers([{ minQuantity: 10, unitPriceFen: 6280 }])).toBe('10:62.80');
  });

  it('Should accept a valid ladder and explain a broken one', () => {
    expect(priceTierProblems(6800, [{ minQuantity: 10, unitPriceFen: 6280 }, { minQuantity: 50, unitPriceFen: 5880 }])).toEqual([]);
    expect(priceTierProblems(6800, [{ minQuantity: 50, unitPriceFen: 5880 }, { minQuantity: 10, unitPriceFen: 6280 }]).map((e) => e.path)).toEqual([
      'body.priceTiers.1.minQuantity',
      'body.priceTiers.1.unitPriceFen',
    ]);
  });
});
