import { eq, inArray } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { categories } from '../lib/categories';
import type { Db } from '../db/client';
import { isConstraintError, runBatch, type Statement } from '../db/batch';
import { EDITABLE_PRODUCT_STATUSES, products, type EditableProductStatus } from '../db/schema';
import type { Actor } from '../env';
import { AppError, type FieldError } from '../lib/errors';
import { parseYuanToFen } from '../lib/money';
import { CsvSyntaxError, parseCsv, toCsv } from '../lib/csv';
import { formatTiers, parseTiers, priceTierProblems } from './product-rules';
import { createProductSchema, updateProductSchema } from './products.schemas';
import {
  insertProductStatements,
  insufficientStock,
  loadCooperative,
  publishRefusedOr,
  stockAdjustmentStatements,
  updateProductStatement,
  type ProductRow,
} from './products.service';

/**
 * Product import and export as CSV. Columns are named by their API field (the export's header) or
 * by the Chinese heading a clerk would type; prices are yuan ("598.00") and tiers `qty:yuan;…`.
 * An import validates every row first and applies all of them in one D1 batch, or nothing.
 */
type ColumnKey =
  | 'sku' | 'nameZh' | 'nameEn' | 'category' | 'unitZh' | 'unitEn' | 'specZh' | 'specEn' | 'unitPrice' | 'priceTiers'
  | 'minOrderQuantity' | 'orderStep' | 'stock' | 'status' | 'shelfLifeDays' | 'storageZh' | 'storageEn'
  | 'certificationNo' | 'descriptionZh' | 'descriptionEn';

const COLUMNS: { key: ColumnKey; zh: string; aliases: string[] }[] = [
  { key: 'sku', zh: '货号', aliases: ['商品编码', '编码'] },
  { key: 'nameZh', zh: '中文名称', aliases: ['名称', '商品名称'] },
  { key: 'nameEn', zh: '英文名称', aliases: [] },
  { key: 'category', zh: '品类', aliases: ['类别', '分类'] },
  { key: 'unitZh', zh: '单位', aliases: ['中文单位'] },
  { key: 'unitEn', zh: '英文单位', aliases: [] },
  { key: 'specZh', zh: '规格', aliases: ['中文规格'] },
  { key: 'specEn', zh: '英文规格', aliases: [] },
  { key: 'unitPrice', zh: '单价(元)', aliases: ['单价', '价格', 'unitPriceYuan'] },
  { key: 'priceTiers', zh: '阶梯价', aliases: ['阶梯价格'] },
  { key: 'minOrderQuantity', zh: '起订量', aliases: [] },
  { key: 'orderStep', zh: '递增量', aliases: ['步长'] },
  { key: 'stock', zh: '库存', aliases: [] },
  { key: 'status', zh: '状态', aliases: [] },
  { key: 'shelfLifeDays', zh: '保质期(天)', aliases: ['保质期'] },
  { key: 'storageZh', zh: '储存方式', aliases: ['贮存条件'] },
  { key: 'storageEn', zh: '英文储存方式', aliases: [] },
  { key: 'certificationNo', zh: '认证编号', aliases: ['证书编号'] },
  { key: 'descriptionZh', zh: '中文描述', aliases: ['描述', '商品描述'] },
  { key: 'descriptionEn', zh: '英文描述', aliases: [] },
];

const normaliseHeader = (h: string) => h.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
const HEADER_LOOKUP = new Map<string, ColumnKey>();
for (const column of COLUMNS) {
  for (const name of [column.key, column.zh, ...column.aliases]) HEADER_LOOKUP.set(normaliseHeader(name), column.key);
}

const STATUS_WORDS: Record<string, EditableProductStatus> = {
  draft: 'draft', published: 'published', unpublished: 'unpublished', 草稿: 'draft', 上架: 'published', 已上架: 'published', 下架: 'unpublished', 已下架: 'unpublished',
};

/**
 * A row costs up to three statements (update, stock change, history) and the whole file is one D1
 * batch; 300 rows keeps that under D1's 1,000 queries per invocation.
 */
export const MAX_IMPORT_ROWS = 300;

export type ImportRowReport = {
  line: number;
  sku: string;
  action: 'create' | 'update' | 'error';
  productId?: string;
  errors: FieldError[];
};

export type ImportReport = { applied: boolean; created: number; updated: number; rows: ImportRowReport[] };

function categoryFrom(cell: string): string {
  const normal = cell.trim().toLowerCase();
  const match = categories.find((c) => c.id === normal || c.nameZh === cell.trim() || c.nameEn.toLowerCase() === normal);
  return match?.id ?? cell.trim();
}

type Parsed = { values: Record<string, unknown>; stock?: number; errors: FieldError[] };

/** One row's cells → the API fields they set (empty cells set nothing), with cell-level errors. */
function parseRow(cells: Map<ColumnKey, string>, line: number): Parsed {
  const values: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  let stock: number | undefined;
  const fail = (key: ColumnKey, message: string) => errors.push({ path: `line ${line}.${key}`, message });
  const integer = (key: ColumnKey, raw: string) => {
    if (!/^\d{1,9}$/.test(raw)) {
      fail(key, 'Not a whole number');
      return undefined;
    }
    return Number(raw);
  };
  for (const [key, raw] of cells) {
    const cell = raw.trim();
    if (cell === '') continue;
    switch (key) {
      case 'unitPrice': {
        const fen = parseYuanToFen(cell);
        if (fen === null) fail(key, 'Not a price in yuan, e.g. 12.80');
        else values.unitPriceFen = fen;
        break;
      }
      case 'priceTiers': {
        const tiers = parseTiers(cell);
        if (!tiers) fail(key, 'Write tiers as quantity:yuan separated by ";", e.g. 10:62.80;50:58.80');
        else values.priceTiers = tiers;
        break;
      }
      case 'minOrderQuantity':
      case 'orderStep':
      case 'shelfLifeDays':
        values[key] = integer(key, cell);
        break;
      case 'stock':
        stock = integer(key, cell);
        break;
      case 'status': {
        const status = STATUS_WORDS[cell.toLowerCase()];
        if (!status) fail(key, `Use one of ${EDITABLE_PRODUCT_STATUSES.join(', ')} (草稿, 上架, 下架)`);
        else values.status = status;
        break;
      }
      case 'category':
        values.category = categoryFrom(cell);
        break;
      default:
        values[key] = cell;
    }
  }
  return { values, stock, errors };
}

/** Zod issues for one row, named by line and column. */
function zodRowErrors(error: z.ZodError, line: number): FieldError[] {
  return error.issues.map((issue) => {
    const [field, ...rest] = issue.path.map(String);
    const column = field === 'unitPriceFen' ? 'unitPrice' : field;
    return { path: [`line ${line}`, column, ...rest].filter(Boolean).join('.'), message: issue.message };
  });
}

type PlannedRow =
  | { kind: 'create'; line: number; sku: string; input: z.infer<typeof createProductSchema> }
  | { kind: 'update'; line: number; sku: string; current: ProductRow; patch: z.infer<typeof updateProductSchema>; stockDelta: number };

const createRowSchema = createProductSchema.omit({ cooperativeId: true, status: true }).extend({
  sku: createProductSchema.shape.sku.unwrap(),
  status: z.enum(EDITABLE_PRODUCT_STATUSES).default('draft'),
});

/**
 * Validates and (unless `dryRun`) applies a CSV of products for one cooperative.
 * Every row is checked before anything is written; one bad row means nothing is applied and the
 * report says which cells are wrong. Publishing through the import needs a verified cooperative.
 */
export async function importProducts(
  db: Db,
  actor: Actor | null,
  input: { cooperativeId: string; csv: string; dryRun?: boolean },
  now = Date.now(),
): Promise<ImportReport> {
  const coop = await loadCooperative(db, input.cooperativeId);
  let table: string[][];
  try {
    table = parseCsv(input.csv).filter((row) => row.some((cell) => cell.trim() !== ''));
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new AppError('bad_request', error.message);
    throw error;
  }
  const [header, ...body] = table;
  if (!header) throw new AppError('bad_request', 'The file is empty');
  const keys = header.map((h) => HEADER_LOOKUP.get(normaliseHeader(h)));
  const unknown = header.filter((_, i) => !keys[i]);
  if (unknown.length) throw new AppError('bad_request', `Unknown column(s): ${unknown.join(', ')}`);
  const duplicated = keys.filter((k, i) => keys.indexOf(k) !== i);
  if (duplicated.length) throw new AppError('bad_request', `Column(s) given twice: ${duplicated.join(', ')}`);
  if (!keys.includes('sku')) throw new AppError('bad_request', 'The file needs a sku (货号) column');
  if (body.length === 0) throw new AppError('bad_request', 'The file has a header but no products');
  if (body.length > MAX_IMPORT_ROWS) throw new AppError('payload_too_large', `At most ${MAX_IMPORT_ROWS} products per import`);

  const rowsWithLines = body.map((cells, index) => ({ cells, line: index + 2 }));
  const skus = rowsWithLines.map(({ cells }) => (cells[keys.indexOf('sku')] ?? '').trim()).filter(Boolean);
  const existing = new Map<string, ProductRow>();
  for (let i = 0; i < skus.length; i += 90) {
    const found = await db.select().from(products).where(inArray(products.sku, skus.slice(i, i + 90)));
    for (const p of found) existing.set(p.sku, p);
  }

  const reports: ImportRowReport[] = [];
  const planned: PlannedRow[] = [];
  const seen = new Set<string>();
  for (const { cells, line } of rowsWithLines) {
    if (cells.length !== header.length) {
      reports.push({ line, sku: '', action: 'error', errors: [{ path: `line ${line}`, message: `Expected ${header.length} cells, found ${cells.length}` }] });
      continue;
    }
    const byKey = new Map(keys.map((k, i) => [k!, cells[i]!] as const));
    const sku = (byKey.get('sku') ?? '').trim();
    const parsed = parseRow(byKey, line);
    const errors = [...parsed.errors];
    if (seen.has(sku)) errors.push({ path: `line ${line}.sku`, message: 'This SKU appears on an earlier line' });
    seen.add(sku);
    const current = existing.get(sku);
    if (current && current.cooperativeId !== coop.id) {
      errors.push({ path: `line ${line}.sku`, message: "This SKU is used by another cooperative's product" });
    }
    // The export writes a withheld product as the cooperative left it (published); reading that back keeps
    // it withheld rather than asking a suspended cooperative to publish.
    if (parsed.values.status === 'published' && current?.status === 'withheld') delete parsed.values.status;
    if (parsed.values.status === 'published' && coop.status !== 'verified') {
      errors.push({ path: `line ${line}.status`, message: 'Products can be published once the platform has verified the cooperative' });
    }
    let plan: PlannedRow | undefined;
    if (errors.length === 0 && current) {
      const result = updateProductSchema.safeParse(parsed.values);
      if (!result.success) errors.push(...zodRowErrors(result.error, line));
      else {
        const tiersChanged = result.data.unitPriceFen !== undefined || result.data.priceTiers !== undefined;
        if (tiersChanged) {
          errors.push(...priceTierProblems(result.data.unitPriceFen ?? current.unitPriceFen, result.data.priceTiers ?? current.priceTiers, `line ${line}.priceTiers`));
        }
        plan = { kind: 'update', line, sku, current, patch: result.data, stockDelta: parsed.stock === undefined ? 0 : parsed.stock - current.stock };
      }
    } else if (errors.length === 0) {
      const result = createRowSchema.safeParse({ ...parsed.values, sku, stock: parsed.stock ?? 0 });
      if (!result.success) errors.push(...zodRowErrors(result.error, line));
      else {
        errors.push(...priceTierProblems(result.data.unitPriceFen, result.data.priceTiers, `line ${line}.priceTiers`));
        plan = { kind: 'create', line, sku, input: { ...result.data, cooperativeId: coop.id, status: result.data.status === 'unpublished' ? 'draft' : result.data.status } };
      }
    }
    if (errors.length || !plan) {
      reports.push({ line, sku, action: 'error', errors });
      continue;
    }
    planned.push(plan);
    reports.push({ line, sku, action: plan.kind, productId: plan.kind === 'update' ? plan.current.id : undefined, errors: [] });
  }

  const created = planned.filter((p) => p.kind === 'create').length;
  const failed = reports.filter((r) => r.action === 'error');
  if (failed.length) {
    throw new AppError('unprocessable', `${failed.length} of ${reports.length} rows have problems; nothing was imported`, {
      errors: failed.flatMap((r) => r.errors),
      extensions: { applied: false, rows: reports },
    });
  }
  if (input.dryRun) return { applied: false, created, updated: planned.length - created, rows: reports };

  const statements: Statement[] = [];
  for (const plan of planned) {
    if (plan.kind === 'create') {
      const insert = insertProductStatements(db, plan.input as typeof plan.input & { sku: string }, coop, actor, now);
      statements.push(...insert.statements);
      reports.find((r) => r.line === plan.line)!.productId = insert.id;
    } else {
      // A status-less patch of an unpublished product keeps its status; the importer never flips it silently.
      statements.push(updateProductStatement(db, plan.current, plan.patch, coop, now));
      if (plan.stockDelta !== 0) {
        statements.push(...stockAdjustmentStatements(db, { productId: plan.current.id, delta: plan.stockDelta, reason: 'CSV import', actorUserId: actor?.userId ?? null, now }));
      }
    }
  }
  try {
    await runBatch(db, statements);
  } catch (error) {
    if (isConstraintError(error, 'products.sku')) throw new AppError('conflict', 'A SKU in the file was taken while importing; nothing was imported', { cause: error });
    if (isConstraintError(error, 'products_stock_non_negative')) throw insufficientStock('', 0, error);
    throw publishRefusedOr(error);
  }
  return { applied: true, created, updated: planned.length - created, rows: reports };
}

/** All of a cooperative's products as CSV, in the columns the import reads back. */
export async function exportProducts(db: Db, cooperativeId: string, headers: 'en' | 'zh' = 'en'): Promise<string> {
  const rows = await db.select().from(products).where(eq(products.cooperativeId, cooperativeId)).orderBy(products.sku);
  const header = COLUMNS.map((c) => (headers === 'zh' ? c.zh : c.key));
  const body = rows.map((p) =>
    COLUMNS.map(({ key }) => {
      switch (key) {
        case 'unitPrice':
          return (p.unitPriceFen / 100).toFixed(2);
        case 'priceTiers':
          return formatTiers(p.priceTiers);
        case 'status':
          return p.status === 'withheld' ? 'published' : p.status;
        default:
          return p[key];
      }
    }),
  );
  return toCsv([header, ...body]);
}
