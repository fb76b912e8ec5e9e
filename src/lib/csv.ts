import { AppError } from './errors';

/**
 * RFC 4180 CSV, small enough to keep out of the bundle budget: quoted fields with embedded commas,
 * quotes ("") and line breaks; CRLF, LF or CR line ends; a UTF-8 BOM is ignored on input and
 * written on output so spreadsheet programs read Chinese text correctly.
 *
 * @example parseCsv('sku,name\r\nA-1,"Ham, whole"\r\n') // [['sku','name'],['A-1','Ham, whole']]
 */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`CSV line ${line}: ${message}`);
  }
}

export function parseCsv(input: string): string[][] {
  return parseCsvRows(input).map((r) => r.cells);
}

/** Like parseCsv, with the file line each row starts on (rows with quoted line breaks span several). */
export function parseCsvRows(input: string): { line: number; cells: string[] }[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const rows: { line: number; cells: string[] }[] = [];
  let row: string[] = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let i = 0;
  let quoted = false;
  // True once the current field has content or a quote, so "a,\n" keeps its empty last field.
  let fieldStarted = false;

  const endField = () => {
    row.push(field);
    field = '';
    fieldStarted = false;
  };
  const endRow = () => {
    endField();
    rows.push({ line: rowLine, cells: row });
    row = [];
  };

  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        const next = text[i];
        if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') {
          throw new CsvSyntaxError('unexpected text after a closing quote', line);
        }
        continue;
      }
      if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line += 1;
      field += ch;
      i += 1;
      continue;
    }
    if (ch === '"') {
      if (field.length > 0) throw new CsvSyntaxError('a quote inside an unquoted field', line);
      quoted = true;
      fieldStarted = true;
      i += 1;
    } else if (ch === ',') {
      endField();
      fieldStarted = true;
      i += 1;
    } else if (ch === '\r' || ch === '\n') {
      endRow();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line += 1;
      rowLine = line;
    } else {
      field += ch;
      fieldStarted = true;
      i += 1;
    }
  }
  // Name the line the open quote is on, not the end of the file it ran to.
  if (quoted) throw new CsvSyntaxError('a quoted field is never closed', rowLine);
  if (fieldStarted || field.length > 0 || row.length > 0) endRow();
  return rows;
}

/** Cells a spreadsheet would run as a formula (=, +, -, @ …) unless they are plain numbers. */
function neutraliseFormula(value: string): string {
  if (/^[=+\-@\t\r]/.test(value) && !/^[+-]?\d+(\.\d+)?$/.test(value)) return `'${value}`;
  return value;
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = neutraliseFormula(String(value));
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows to CSV text with CRLF line ends and a leading BOM. */
export function toCsv(rows: unknown[][]): string {
  return '\ufeff' + rows.map((r) => r.map(formatCell).join(',')).join('\r\n') + '\r\n';
}

/** A `text/csv` download response. */
export function csvResponse(body: string, filename: string): Response {
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`,
    },
  });
}

/** A spreadsheet saved as GBK is the usual culprit; say so instead of importing mojibake. */
export function decodeUtf8(bytes: ArrayBuffer | Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new AppError('bad_request', 'The file is not UTF-8 text. Save it as "CSV UTF-8" and upload again.');
  }
}
