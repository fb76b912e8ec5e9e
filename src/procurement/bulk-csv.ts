import { CsvSyntaxError, parseCsvRows } from '../lib/csv';
import { AppError } from '../lib/errors';

/**
 * An institution's order file: a header row naming a SKU column and a quantity column, then one line
 * per product. UTF-8 with or without BOM (the CSV module drops it); headers in English or Chinese
 * (商品编码 / 编号 / 货号 / SKU and 数量), in any column order, other columns ignored (a name column
 * for the person who typed it is fine); blank lines ignored; full-width digits (１２) and thousands
 * separators (1,200) accepted in quantities. Anything else about a line is reported per line by the
 * bulk service, never by refusing the file. The file itself is refused (400) only when it cannot be
 * read as such a table: not CSV, no SKU or quantity column, no lines, more than MAX_BULK_LINES lines.
 *
 * @example parseBulkCsv('商品编码,数量\nJD-MUS-001,20\n') // [{ line: 2, sku: 'JD-MUS-001', quantityText: '20' }]
 */

export const MAX_BULK_LINES = 5000;

export type BulkCsvLine = { line: number; sku: string; quantityText: string };

/** Header text compared loosely: width (NFKC), case, spaces, underscores and brackets don't matter. */
function headerKey(cell: string): string {
  return cell.normalize('NFKC').toLowerCase().replace(/[\s_\-()（）*:：]/g, '');
}

const SKU_HEADERS = ['sku', 'skucode', 'productsku', '商品编码', '商品编号', '编号', '编码', '货号', '产品编码', '商品sku'];
const QUANTITY_HEADERS = ['quantity', 'qty', 'qty.', '数量', '订购数量', '采购数量', '订货数量'];

const isBlank = (cells: string[]) => cells.every((c) => c.trim() === '');

export function parseBulkCsv(text: string): BulkCsvLine[] {
  let rows: ReturnType<typeof parseCsvRows>;
  try {
    rows = parseCsvRows(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new AppError('bad_request', `${error.message}. Check the quotes on that line.`);
    throw error;
  }
  const content = rows.filter((r) => !isBlank(r.cells));
  const header = content[0];
  if (!header) throw new AppError('bad_request', 'The file is empty. The first line must be the header "sku,quantity" (or 商品编码,数量).');
  const keys = header.cells.map(headerKey);
  const skuColumn = keys.findIndex((k) => SKU_HEADERS.includes(k));
  const quantityColumn = keys.findIndex((k) => QUANTITY_HEADERS.includes(k));
  if (skuColumn < 0 || quantityColumn < 0) {
    const missing = [skuColumn < 0 ? 'a SKU column (sku / 商品编码 / 编号)' : null, quantityColumn < 0 ? 'a quantity column (quantity / 数量)' : null].filter(Boolean).join(' and ');
    throw new AppError('bad_request', `Wrong columns: the header line (line ${header.line}) has ${header.cells.map((c) => `"${c.trim()}"`).join(', ')} but needs ${missing}. Use the header "sku,quantity" or "商品编码,数量".`, {
      extensions: { line: header.line, columns: header.cells },
    });
  }
  const lines = content.slice(1).map((r) => ({ line: r.line, sku: (r.cells[skuColumn] ?? '').trim(), quantityText: (r.cells[quantityColumn] ?? '').trim() }));
  if (lines.length === 0) throw new AppError('bad_request', 'The file has a header but no lines to order.');
  if (lines.length > MAX_BULK_LINES) {
    throw new AppError('payload_too_large', `The file has ${lines.length} lines; at most ${MAX_BULK_LINES} are read at once. Split it into several files.`);
  }
  return lines;
}

/** The SKU as products store it for lookup: full-width folded, trimmed, upper case. */
export function normalizeSku(sku: string): string {
  return sku.normalize('NFKC').trim().toUpperCase();
}

/** A whole positive-or-zero quantity as written in a cell (１２, 1,200 and " 12 " included), or null. */
export function parseQuantityCell(text: string): number | null {
  const compact = text.normalize('NFKC').replace(/[\s,]/g, '');
  if (!/^\d{1,9}$/.test(compact)) return null;
  return Number(compact);
}
