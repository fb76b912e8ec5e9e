import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/errors';
import { MAX_BULK_LINES, normalizeSku, parseBulkCsv, parseQuantityCell } from '../../src/procurement/bulk-csv';

function refusal(text: string): AppError {
  try {
    parseBulkCsv(text);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the file to be refused');
}

describe('bulk order CSV', () => {
  it('Should read a plain file with line numbers', () => {
    expect(parseBulkCsv('sku,quantity\nJD-MUS-001,20\nXW-HAM-002,5\n')).toEqual([
      { line: 2, sku: 'JD-MUS-001', quantityText: '20' },
      { line: 3, sku: 'XW-HAM-002', quantityText: '5' },
    ]);
  });

  it('Should ignore a UTF-8 BOM, CRLF line ends and blank lines, keeping file line numbers', () => {
    expect(parseBulkCsv('\ufeffsku,quantity\r\n\r\nJD-MUS-001,20\r\n ,  \r\nXW-HAM-002,5\r\n\r\n')).toEqual([
      { line: 3, sku: 'JD-MUS-001', quantityText: '20' },
      { line: 5, sku: 'XW-HAM-002', quantityText: '5' },
    ]);
  });

  it('Should accept Chinese headers, in any order, with other columns ignored', () => {
    for (const header of ['商品编码,数量', '编号,数量', 'SKU,数量', '货号,订购数量', ' Sku , Qty ']) {
      expect(parseBulkCsv(`${header}\nA-1,3\n`)).toEqual([{ line: 2, sku: 'A-1', quantityText: '3' }]);
    }
    expect(parseBulkCsv('品名,数量,备注,商品编码\n香菇,12,周一送,JD-MUS-001\n')).toEqual([{ line: 2, sku: 'JD-MUS-001', quantityText: '12' }]);
    // Full-width header text from a Chinese input method.
    expect(parseBulkCsv('ＳＫＵ，数量'.replace('，', ',') + '\nA-1,1')).toHaveLength(1);
  });

  it('Should keep quoted cells with commas and line breaks, numbering lines from the file', () => {
    expect(parseBulkCsv('名称,sku,quantity\n"香菇, 干货\n1kg",JD-MUS-001,"1,200"\nX,A-2,1\n')).toEqual([
      { line: 2, sku: 'JD-MUS-001', quantityText: '1,200' },
      { line: 4, sku: 'A-2', quantityText: '1' },
    ]);
  });

  it('Should keep duplicate SKUs as separate lines (the service reports them)', () => {
    expect(parseBulkCsv('sku,quantity\nA-1,1\nA-1,2\n')).toHaveLength(2);
  });

  it('Should refuse a file with the wrong columns, naming what it has and what it needs', () => {
    const error = refusal('product,amount\nA-1,1\n');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/Wrong columns: the header line \(line 1\) has "product", "amount"/);
    expect(error.message).toMatch(/needs a SKU column .* and a quantity column/);
    expect(refusal('sku,名称\nA-1,香菇\n').message).toMatch(/needs a quantity column/);
    // A file without a header: its first line is taken as one and does not name the columns.
    expect(refusal('JD-MUS-001,20\n').message).toMatch(/Wrong columns/);
  });

  it('Should refuse empty files, header-only files and broken quotes', () => {
    expect(refusal('').message).toMatch(/empty/);
    expect(refusal('\n\n  \n').message).toMatch(/empty/);
    expect(refusal('sku,quantity\n\n').message).toMatch(/no lines/);
    expect(refusal('sku,quantity\n"A-1,1\n').message).toMatch(/CSV line 2: a quoted field is never closed/);
  });

  it('Should read 5,000 lines and refuse 5,001', () => {
    const lines = Array.from({ length: MAX_BULK_LINES }, (_, i) => `SKU-${i},${i + 1}`);
    const started = performance.now();
    const parsed = parseBulkCsv(['sku,quantity', ...lines].join('\n'));
    const ms = performance.now() - started;
    expect(parsed).toHaveLength(5000);
    expect(parsed[4999]).toEqual({ line: 5001, sku: 'SKU-4999', quantityText: '5000' });
    expect(ms).toBeLessThan(1000);
    const error = refusal(['sku,quantity', ...lines, 'ONE-MORE,1'].join('\n'));
    expect(error.status).toBe(413);
    expect(error.message).toMatch(/5001 lines; at most 5000/);
  });

  it('Should read quantities as whole numbers only', () => {
    expect(parseQuantityCell('12')).toBe(12);
    expect(parseQuantityCell(' １２ ')).toBe(12);
    expect(parseQuantityCell('1,200')).toBe(1200);
    expect(parseQuantityCell('0')).toBe(0);
    for (const bad of ['', '-3', '2.5', '12袋', 'abc', '1e3', '9999999999']) expect(parseQuantityCell(bad)).toBeNull();
  });

  it('Should compare SKUs regardless of case, width and surrounding spaces', () => {
    expect(normalizeSku(' jd-mus-001 ')).toBe('JD-MUS-001');
    expect(normalizeSku('ＪＤ－ＭＵＳ－００１')).toBe('JD-MUS-001');
  });
});
