import { Hono, type Context } from 'hono';
import { categories } from '../lib/categories';
import { requireCooperativeStaff } from '../accounts';
import type { AppEnv } from '../env';
import { AppError, type FieldError } from '../lib/errors';
import { parseForm, withLabels } from '../lib/form-errors';
import { localized, messages, type Locale } from '../lib/i18n';
import { formatFen, parseYuanToFen } from '../lib/money';
import { PRODUCT_CATEGORIES, type PriceTier } from '../db/schema';
import { cooperativeDashboard } from './dashboard.service';
import * as photos from './photos.service';
import { Script } from '../views/assets';
import { thumbnailUrl } from '../catalog';
import { decodeUtf8 } from '../lib/csv';
import { importProducts, MAX_IMPORT_ROWS, type ImportReport, type ImportRowReport } from './product-csv';
import { MAX_PRICE_TIERS } from './product-rules';
import { createProductSchema, updateProductSchema } from './products.schemas';
import * as service from './products.service';
import {
  CoopChooser,
  errorMessage,
  field,
  formOf,
  page,
  PortalPage,
  portalContext,
  portalText,
  shanghaiTime,
  signInRedirect,
  withCoop,
  type PortalContext,
} from '../views/portal';
import { NextPage } from '../views/next-page';

const t = messages({
  zh: {
    dashboard: '合作社概览', toShip: '待发货', toShipHint: '待接单 {p} 个，待发货 {a} 个', nothingToShip: '暂时没有待处理的发货单。',
    monthSales: '本月销售', delivered: '已送达', received: '本月新订单', lowStock: '库存不足', noLowStock: '库存都充足。',
    products: '商品管理', newProduct: '新建商品', edit: '编辑', sku: '货号', name: '名称', price: '单价', stock: '库存', status: '状态',
    draft: '草稿', published: '已上架', unpublished: '已下架', withheld: '暂停销售（合作社已被平台暂停）', noProducts: '还没有商品。', exportCsv: '导出 CSV', importCsv: '导入 CSV',
    details: '商品信息', nameZh: '中文名称', nameEn: '英文名称', descriptionZh: '中文描述', descriptionEn: '英文描述', category: '品类',
    unitZh: '单位（中文）', unitEn: '单位（英文）', specZh: '规格（中文）', specEn: '规格（英文）', unitPrice: '单价（元）',
    tiers: '阶梯价', tiersHint: '买到这个数量及以上时的单价（元）。数量须递增、价格须递减且低于单价。', tierQty: '起购数量', tierPrice: '阶梯单价（元）',
    moq: '起订量', step: '递增量', openingStock: '初始库存', certificationNo: '认证编号', shelfLife: '保质期（天）', storageZh: '储存方式（中文）', storageEn: '储存方式（英文）',
    saveDraft: '保存', create: '创建商品', skuHint: '留空则自动生成', publishNow: '立即上架', publish: '上架', unpublish: '下架',
    stockTitle: '库存调整', delta: '增减数量（负数为减少）', reason: '原因', adjust: '调整库存', history: '调整记录', when: '时间', after: '调整后',
    photos: '商品图片', upload: '上传图片', uploadHint: 'JPEG、PNG 或 WebP，最大 5 MB。第一张为封面。', moveUp: '上移', moveDown: '下移', remove: '删除', noPhotos: '还没有图片，目录中显示品类插图。', cover: '封面',
    importTitle: '批量导入商品', importHint: '上传 UTF-8 编码的 CSV（Excel 另存为“CSV UTF-8”）。按货号新建或更新；任何一行有错，整个文件都不会导入。', file: 'CSV 文件', dryRun: '只检查，不导入', submitImport: '上传',
    template: '下载现有商品作为模板', line: '行', action: '操作', problems: '问题', actionCreate: '新建', actionUpdate: '更新', actionError: '有错误',
    importDone: '导入完成：新建 {c} 个，更新 {u} 个。', importChecked: '检查通过：将新建 {c} 个，更新 {u} 个。尚未导入。', importFailed: '有错误，未导入任何商品。',
    created: '商品已创建', adjusted: '库存已调整',
  },
  en: {
    dashboard: 'Cooperative overview', toShip: 'To ship', toShipHint: '{p} to accept, {a} to ship', nothingToShip: 'Nothing waiting to be shipped.',
    monthSales: "This month's sales", delivered: 'Delivered', received: 'New orders this month', lowStock: 'Stock running low', noLowStock: 'Stock levels are fine.',
    products: 'Products', newProduct: 'New product', edit: 'Edit', sku: 'SKU', name: 'Name', price: 'Price', stock: 'Stock', status: 'Status',
    draft: 'Draft', published: 'Published', unpublished: 'Unpublished', withheld: 'Withheld (cooperative suspended by the platform)', noProducts: 'No products yet.', exportCsv: 'Export CSV', importCsv: 'Import CSV',
    details: 'Details', nameZh: 'Name (Chinese)', nameEn: 'Name (English)', descriptionZh: 'Description (Chinese)', descriptionEn: 'Description (English)', category: 'Category',
    unitZh: 'Unit (Chinese)', unitEn: 'Unit (English)', specZh: 'Specification (Chinese)', specEn: 'Specification (English)', unitPrice: 'Unit price (yuan)',
    tiers: 'Price tiers', tiersHint: 'Unit price (yuan) from this quantity up. Quantities rise, prices fall and stay below the list price.', tierQty: 'From quantity', tierPrice: 'Tier price (yuan)',
    moq: 'Minimum order', step: 'Order step', openingStock: 'Opening stock', certificationNo: 'Certification no.', shelfLife: 'Shelf life (days)', storageZh: 'Storage (Chinese)', storageEn: 'Storage (English)',
    saveDraft: 'Save', create: 'Create product', skuHint: 'Generated when left empty', publishNow: 'Publish now', publish: 'Publish', unpublish: 'Unpublish',
    stockTitle: 'Adjust stock', delta: 'Change (negative to reduce)', reason: 'Reason', adjust: 'Adjust stock', history: 'History', when: 'When', after: 'After',
    photos: 'Photos', upload: 'Upload photo', uploadHint: 'JPEG, PNG or WebP, up to 5 MB. The first photo is the cover.', moveUp: 'Up', moveDown: 'Down', remove: 'Remove', noPhotos: 'No photos yet; the catalog shows the category illustration.', cover: 'Cover',
    importTitle: 'Import products', importHint: 'Upload a UTF-8 CSV (in Excel: Save as "CSV UTF-8"). Rows create or update products by SKU; if any row is wrong, nothing is imported.', file: 'CSV file', dryRun: 'Check only, do not import', submitImport: 'Upload',
    template: 'Download current products as a template', line: 'Line', action: 'Action', problems: 'Problems', actionCreate: 'Create', actionUpdate: 'Update', actionError: 'Error',
    importDone: 'Imported: {c} created, {u} updated.', importChecked: 'Check passed: {c} would be created, {u} updated. Nothing imported yet.', importFailed: 'There are errors; nothing was imported.',
    created: 'Product created', adjusted: 'Stock adjusted',
  },
});

const fill = (text: string, values: Record<string, number | string>) => text.replace(/\{(\w)\}/g, (_, k: string) => String(values[k] ?? ''));
const statusBadge = (status: string, locale: Locale) => {
  const m = t(locale);
  const label = status === 'published' ? m.published : status === 'draft' ? m.draft : status === 'withheld' ? m.withheld : m.unpublished;
  return <span class={status === 'published' ? 'badge' : 'badge warn'}>{label}</span>;
};
const yuan = (fen: number | null | undefined) => (fen ? (fen / 100).toFixed(2) : '');

/** The portal context, or a redirect to sign in, or the chooser when no cooperative is selected. */
function requirePortal(c: Context<AppEnv>, target: string): { ctx: PortalContext & { coop: NonNullable<PortalContext['coop']> } } | { response: Response | Promise<Response> } {
  const ctx = portalContext(c);
  if (!ctx) return { response: signInRedirect(c) };
  if (!ctx.coop) return { response: c.html(<CoopChooser c={c} ctx={ctx} target={target} />) };
  requireCooperativeStaff(c, ctx.coop.organizationId);
  return { ctx: ctx as PortalContext & { coop: NonNullable<PortalContext['coop']> } };
}

/** A product page's context: the product's own cooperative, which the actor must staff (else 404). */
async function productPortal(c: Context<AppEnv>): Promise<{ response: Response } | { ctx: PortalContext; product: service.ProductRow }> {
  const ctx = portalContext(c);
  if (!ctx) return { response: signInRedirect(c) };
  const product = await service.getProduct(c.var.db, c.req.param('id')!);
  requireCooperativeStaff(c, product.cooperativeId);
  const coop = ctx.coops.find((m) => m.organizationId === product.cooperativeId) ?? null;
  if (!coop) throw new AppError('not_found', `Product ${product.id} not found`);
  return { ctx: { ...ctx, coop }, product };
}

// ---------------------------------------------------------------------------------------------
// Form ↔ product fields

type FormValues = Record<string, string>;

/** Form fields → the API's product fields (yuan to fen, tiers from their rows); zod validates after. */
function productFieldsFromForm(form: FormValues) {
  const int = (name: string) => (form[name] === '' || form[name] === undefined ? undefined : /^-?\d+$/.test(form[name]!) ? Number(form[name]) : Number.NaN);
  const tiers: PriceTier[] = [];
  for (let i = 0; i < MAX_PRICE_TIERS; i++) {
    const qty = form[`tierQty${i}`] ?? '';
    const price = form[`tierPrice${i}`] ?? '';
    if (!qty && !price) continue;
    tiers.push({ minQuantity: /^\d+$/.test(qty) ? Number(qty) : Number.NaN, unitPriceFen: parseYuanToFen(price) ?? Number.NaN });
  }
  return {
    nameZh: form.nameZh ?? '',
    nameEn: form.nameEn ?? '',
    descriptionZh: form.descriptionZh ?? '',
    descriptionEn: form.descriptionEn ?? '',
    category: form.category ?? '',
    unitZh: form.unitZh ?? '',
    unitEn: form.unitEn ?? '',
    specZh: form.specZh ?? '',
    specEn: form.specEn ?? '',
    unitPriceFen: parseYuanToFen(form.unitPrice ?? '') ?? Number.NaN,
    priceTiers: tiers,
    minOrderQuantity: int('minOrderQuantity') ?? 1,
    orderStep: int('orderStep') ?? 1,
    certificationNo: form.certificationNo ? form.certificationNo : null,
    shelfLifeDays: int('shelfLifeDays') ?? null,
    storageZh: form.storageZh ?? '',
    storageEn: form.storageEn ?? '',
  };
}

function formValuesOf(p: service.ProductRow): FormValues {
  const values: FormValues = {
    sku: p.sku, nameZh: p.nameZh, nameEn: p.nameEn, descriptionZh: p.descriptionZh, descriptionEn: p.descriptionEn, category: p.category,
    unitZh: p.unitZh, unitEn: p.unitEn, specZh: p.specZh, specEn: p.specEn, unitPrice: yuan(p.unitPriceFen),
    minOrderQuantity: String(p.minOrderQuantity), orderStep: String(p.orderStep), certificationNo: p.certificationNo ?? '',
    shelfLifeDays: p.shelfLifeDays ? String(p.shelfLifeDays) : '', storageZh: p.storageZh, storageEn: p.storageEn,
  };
  p.priceTiers.forEach((tier, i) => {
    values[`tierQty${i}`] = String(tier.minQuantity);
    values[`tierPrice${i}`] = yuan(tier.unitPriceFen);
  });
  return values;
}

async function stringForm(c: Context<AppEnv>): Promise<FormValues> {
  const form = await formOf(c);
  const values: FormValues = {};
  for (const key of Object.keys(form)) values[key] = field(form, key);
  return values;
}

/** The product form's refusals in the clerk's language, each led by its field's label. */
function productFormProblem(issues: FieldError[], locale: Locale): string {
  const m = t(locale);
  const labels: Record<string, string> = {
    sku: m.sku, nameZh: m.nameZh, nameEn: m.nameEn, category: m.category, unitZh: m.unitZh, unitEn: m.unitEn, specZh: m.specZh, specEn: m.specEn,
    descriptionZh: m.descriptionZh, descriptionEn: m.descriptionEn, unitPriceFen: m.unitPrice, priceTiers: m.tiers, minOrderQuantity: m.moq, orderStep: m.step, stock: m.openingStock,
    certificationNo: m.certificationNo, shelfLifeDays: m.shelfLife, storageZh: m.storageZh, storageEn: m.storageEn,
  };
  return withLabels(issues, locale, (path) => labels[path] ?? labels[path.split('.')[0]!]).map((i) => i.message).join(locale === 'zh' ? '；' : '; ');
}

function Input({ name, label, values, type = 'text', required, hint, attrs }: { name: string; label: string; values: FormValues; type?: string; required?: boolean; hint?: string; attrs?: Record<string, string> }) {
  return (
    <p>
      <label for={`f-${name}`}>{label}</label>
      <input id={`f-${name}`} name={name} type={type} value={values[name] ?? ''} required={required} {...attrs} />
      {hint ? <small class="muted"> {hint}</small> : null}
    </p>
  );
}

function ProductFields({ values, locale, isNew, canPublish }: { values: FormValues; locale: Locale; isNew: boolean; canPublish: boolean }) {
  const m = t(locale);
  const decimal = { inputmode: 'decimal', pattern: '\\d+(\\.\\d{1,2})?', size: '9' };
  const numeric = { inputmode: 'numeric', pattern: '\\d+', size: '7' };
  return (
    <div class="stack">
      {isNew ? <Input name="sku" label={m.sku} values={values} hint={m.skuHint} /> : null}
      <Input name="nameZh" label={m.nameZh} values={values} required />
      <Input name="nameEn" label={m.nameEn} values={values} required />
      <p>
        <label for="f-category">{m.category}</label>
        <select id="f-category" name="category" required>
          {PRODUCT_CATEGORIES.map((id) => {
            const category = categories.find((c) => c.id === id)!;
            return (
              <option value={id} selected={values.category === id}>
                {localized(category, 'name', locale)}
              </option>
            );
          })}
        </select>
      </p>
      <div class="row">
        <Input name="unitZh" label={m.unitZh} values={values} required />
        <Input name="unitEn" label={m.unitEn} values={values} required />
      </div>
      <div class="row">
        <Input name="specZh" label={m.specZh} values={values} />
        <Input name="specEn" label={m.specEn} values={values} />
      </div>
      <Input name="unitPrice" label={m.unitPrice} values={values} required attrs={decimal} />
      <fieldset>
        <legend>{m.tiers}</legend>
        <p class="muted">{m.tiersHint}</p>
        {Array.from({ length: 4 }, (_, i) => (
          <div class="row">
            <Input name={`tierQty${i}`} label={`${m.tierQty} ${i + 1}`} values={values} attrs={numeric} />
            <Input name={`tierPrice${i}`} label={`${m.tierPrice} ${i + 1}`} values={values} attrs={decimal} />
          </div>
        ))}
      </fieldset>
      <div class="row">
        <Input name="minOrderQuantity" label={m.moq} values={values} attrs={numeric} />
        <Input name="orderStep" label={m.step} values={values} attrs={numeric} />
        {isNew ? <Input name="stock" label={m.openingStock} values={values} attrs={numeric} /> : null}
      </div>
      <div class="row">
        <Input name="certificationNo" label={m.certificationNo} values={values} />
        <Input name="shelfLifeDays" label={m.shelfLife} values={values} attrs={numeric} />
      </div>
      <div class="row">
        <Input name="storageZh" label={m.storageZh} values={values} />
        <Input name="storageEn" label={m.storageEn} values={values} />
      </div>
      <p>
        <label for="f-descriptionZh">{m.descriptionZh}</label>
        <textarea id="f-descriptionZh" name="descriptionZh" rows={3} style="width:100%">
          {values.descriptionZh ?? ''}
        </textarea>
      </p>
      <p>
        <label for="f-descriptionEn">{m.descriptionEn}</label>
        <textarea id="f-descriptionEn" name="descriptionEn" rows={3} style="width:100%">
          {values.descriptionEn ?? ''}
        </textarea>
      </p>
      {isNew && canPublish ? (
        <p>
          <label>
            <input type="checkbox" name="publish" value="1" checked={values.publish === '1'} /> {m.publishNow}
          </label>
        </p>
      ) : null}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Pages

function Dashboard({ ctx, data }: { ctx: PortalContext; data: Awaited<ReturnType<typeof cooperativeDashboard>> }) {
  const m = t(ctx.locale);
  return (
    <div class="grid" style="grid-template-columns:repeat(auto-fit,minmax(260px,1fr))">
      <section class="card" aria-labelledby="to-ship">
        <h2 id="to-ship">{m.toShip}</h2>
        <p>{fill(m.toShipHint, { p: data.pendingCount, a: data.acceptedCount })}</p>
        {data.toShip.length === 0 ? (
          <p class="muted">{m.nothingToShip}</p>
        ) : (
          <ul>
            {data.toShip.slice(0, 8).map((s) => (
              <li>
                <a href={withCoop(`/portal/shipments?status=${s.status}#${s.id}`, ctx.coop)}>{s.items.map((i) => `${localized(i, 'name', ctx.locale)} ×${i.quantity}`).join('、')}</a>{' '}
                <span class="badge warn">{s.status}</span>
              </li>
            ))}
          </ul>
        )}
        <a class="button" href={withCoop('/portal/shipments', ctx.coop)}>
          {portalText(ctx.locale).shipments}
        </a>
      </section>
      <section class="card" aria-labelledby="month-sales">
        <h2 id="month-sales">
          {m.monthSales} <span class="muted">{data.month}</span>
        </h2>
        <dl class="facts">
          <dt>{m.delivered}</dt>
          <dd class="price">
            {formatFen(data.sales.deliveredFen)} <span class="muted">({data.sales.delivered})</span>
          </dd>
          <dt>{m.received}</dt>
          <dd>
            {formatFen(data.sales.receivedFen)} <span class="muted">({data.sales.received})</span>
          </dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="low-stock">
        <h2 id="low-stock">{m.lowStock}</h2>
        {data.lowStock.length === 0 ? (
          <p class="muted">{m.noLowStock}</p>
        ) : (
          <ul>
            {data.lowStock.map((p) => (
              <li>
                <a href={withCoop(`/portal/products/${p.id}`, ctx.coop)}>{localized(p, 'name', ctx.locale)}</a> — <strong>{p.stock}</strong> {localized(p, 'unit', ctx.locale)}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function ProductTable({ ctx, items }: { ctx: PortalContext; items: service.ProductRow[] }) {
  const m = t(ctx.locale);
  if (items.length === 0) return <p class="muted">{m.noProducts}</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{m.name}</th>
            <th scope="col">{m.price}</th>
            <th scope="col">{m.stock}</th>
            <th scope="col">{m.status}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((p) => (
            <tr>
              <td>
                <span class="portal-product">
                  <img src={thumbnailUrl(p)} alt="" width={48} height={48} loading="lazy" />
                  <span>
                    <a href={withCoop(`/portal/products/${p.id}`, ctx.coop)}>{localized(p, 'name', ctx.locale)}</a>
                    <br />
                    <small class="muted">{p.sku}</small>
                  </span>
                </span>
              </td>
              <td>{formatFen(p.unitPriceFen)}</td>
              <td>{p.stock}</td>
              <td>{statusBadge(p.status, ctx.locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ProductEditor(props: {
  ctx: PortalContext;
  product: service.ProductRow;
  values: FormValues;
  images: photos.ImageRow[];
  history: Awaited<ReturnType<typeof service.stockHistory>>;
}) {
  const { ctx, product } = props;
  const m = t(ctx.locale);
  const base = `/portal/products/${product.id}`;
  const verified = ctx.coop?.status === 'verified';
  return (
    <>
      <section class="card">
        <h2>{m.status}</h2>
        <form method="post" action={withCoop(`${base}/status`, ctx.coop)} class="inline">
          {statusBadge(product.status, ctx.locale)}
          {product.status === 'published' ? (
            <button class="secondary" name="action" value="unpublish">
              {m.unpublish}
            </button>
          ) : (
            <button name="action" value="publish" disabled={!verified}>
              {m.publish}
            </button>
          )}
        </form>
      </section>
      <section class="card">
        <h2>{m.photos}</h2>
        {props.images.length === 0 ? <p class="muted">{m.noPhotos}</p> : null}
        <ol class="row" style="list-style:none;padding:0">
          {props.images.map((image, i) => (
            <li class="card" style="width:150px">
              <img src={photos.imageView(image).thumbnailUrl} alt={`${localized(product, 'name', ctx.locale)} ${i + 1}`} width={128} height={128} loading="lazy" />
              {i === 0 ? <span class="badge">{m.cover}</span> : null}
              <form method="post" action={withCoop(`${base}/photos/${image.id}`, ctx.coop)} class="row">
                <button class="secondary" name="action" value="up" disabled={i === 0} aria-label={`${m.moveUp} ${i + 1}`}>
                  ↑
                </button>
                <button class="secondary" name="action" value="down" disabled={i === props.images.length - 1} aria-label={`${m.moveDown} ${i + 1}`}>
                  ↓
                </button>
                <button class="danger" name="action" value="remove">
                  {m.remove}
                </button>
              </form>
            </li>
          ))}
        </ol>
        {props.images.length < photos.MAX_PHOTOS_PER_PRODUCT ? (
          <form method="post" action={withCoop(`${base}/photos`, ctx.coop)} enctype="multipart/form-data" class="inline" data-photo-upload>
            <p>
              <label for="photo-file">{m.upload}</label>
              <input id="photo-file" type="file" name="file" accept="image/jpeg,image/png,image/webp" required />
              <small class="muted"> {m.uploadHint}</small>
            </p>
            {/* Filled by photo-resize.js with the square copies it makes in the browser; empty without it. */}
            <input type="file" name="card" hidden />
            <input type="file" name="thumb" hidden />
            <img data-photo-preview alt="" width={160} height={160} hidden />
            <button type="submit">{m.upload}</button>
            <Script name="js/photo-resize.js" />
          </form>
        ) : null}
      </section>
      <section class="card">
        <h2>{m.stockTitle}</h2>
        <p>
          {m.stock}: <strong id="current-stock">{product.stock}</strong> {localized(product, 'unit', ctx.locale)}
        </p>
        <form method="post" action={withCoop(`${base}/stock`, ctx.coop)} class="inline">
          <p>
            <label for="f-delta">{m.delta}</label>
            <input id="f-delta" name="delta" inputmode="numeric" pattern="-?\d+" required size={8} />
          </p>
          <p>
            <label for="f-reason">{m.reason}</label>
            <input id="f-reason" name="reason" required minlength={2} maxlength={200} />
          </p>
          <button type="submit">{m.adjust}</button>
        </form>
        <h3>{m.history}</h3>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{m.when}</th>
                <th scope="col">{m.delta}</th>
                <th scope="col">{m.after}</th>
                <th scope="col">{m.reason}</th>
              </tr>
            </thead>
            <tbody>
              {props.history.map((h) => (
                <tr>
                  <td>{shanghaiTime(h.createdAt)}</td>
                  <td>{h.delta > 0 ? `+${h.delta}` : h.delta}</td>
                  <td>{h.stockAfter}</td>
                  <td>{h.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section class="card">
        <h2>{m.details}</h2>
        <form method="post" action={withCoop(base, ctx.coop)}>
          <ProductFields values={props.values} locale={ctx.locale} isNew={false} canPublish={verified} />
          <button type="submit">{m.saveDraft}</button>
        </form>
      </section>
    </>
  );
}

function ImportReportTable({ locale, rows }: { locale: Locale; rows: ImportRowReport[] }) {
  const m = t(locale);
  const actionLabel = { create: m.actionCreate, update: m.actionUpdate, error: m.actionError };
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{m.line}</th>
            <th scope="col">{m.sku}</th>
            <th scope="col">{m.action}</th>
            <th scope="col">{m.problems}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <td>{r.line}</td>
              <td>{r.sku}</td>
              <td>
                <span class={r.action === 'error' ? 'badge bad' : 'badge'}>{actionLabel[r.action]}</span>
              </td>
              <td>{r.errors.map((e) => `${e.path.replace(/^line \d+\.?/, '')}: ${e.message}`).join('; ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ImportForm({ ctx }: { ctx: PortalContext }) {
  const m = t(ctx.locale);
  return (
    <section class="card">
      <p>{m.importHint}</p>
      <form method="post" action={withCoop('/portal/import', ctx.coop)} enctype="multipart/form-data" class="stack">
        <p>
          <label for="csv-file">{m.file}</label>
          <input id="csv-file" type="file" name="file" accept=".csv,text/csv" required />
        </p>
        <p>
          <label>
            <input type="checkbox" name="dryRun" value="1" /> {m.dryRun}
          </label>
        </p>
        <button type="submit">{m.submitImport}</button>
      </form>
      <p>
        <a href={`/api/v1/products/export?cooperativeId=${ctx.coop?.organizationId}&headers=${ctx.locale === 'en' ? 'en' : 'zh'}`}>{m.template}</a>
      </p>
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// Routes

export const cooperativePages = new Hono<AppEnv>();

cooperativePages.get(
  '/portal',
  page(async (c) => {
    const r = requirePortal(c, '/portal');
    if ('response' in r) return r.response;
    const data = await cooperativeDashboard(c.var.db, r.ctx.coop.organizationId);
    return c.html(
      <PortalPage c={c} ctx={r.ctx} title={t(r.ctx.locale).dashboard} current="/portal">
        <Dashboard ctx={r.ctx} data={data} />
      </PortalPage>,
    );
  }),
);

cooperativePages.get(
  '/portal/products',
  page(async (c) => {
    const r = requirePortal(c, '/portal/products');
    if ('response' in r) return r.response;
    const m = t(r.ctx.locale);
    const list = await service.listCooperativeProducts(c.var.db, r.ctx.coop.organizationId, { limit: 100, cursor: c.req.query('cursor') });
    return c.html(
      <PortalPage c={c} ctx={r.ctx} title={m.products} current="/portal/products">
        <p class="row">
          <a class="button" href={withCoop('/portal/products/new', r.ctx.coop)}>
            {m.newProduct}
          </a>
          <a class="button secondary" href={withCoop('/portal/import', r.ctx.coop)}>
            {m.importCsv}
          </a>
          <a class="button secondary" href={`/api/v1/products/export?cooperativeId=${r.ctx.coop.organizationId}`}>
            {m.exportCsv}
          </a>
        </p>
        <ProductTable ctx={r.ctx} items={list.items} />
        <NextPage href={list.nextCursor ? withCoop(`/portal/products?cursor=${list.nextCursor}`, r.ctx.coop) : null}>→</NextPage>
      </PortalPage>,
    );
  }),
);

function renderNew(c: Context<AppEnv>, ctx: PortalContext, values: FormValues, error?: string) {
  const m = t(ctx.locale);
  return c.html(
    <PortalPage c={c} ctx={ctx} title={m.newProduct} current="/portal/products" error={error}>
      <form method="post" action={withCoop('/portal/products/new', ctx.coop)} class="card">
        <ProductFields values={values} locale={ctx.locale} isNew canPublish={ctx.coop?.status === 'verified'} />
        <button type="submit">{m.create}</button>
      </form>
    </PortalPage>,
    error ? 400 : 200,
  );
}

cooperativePages.get(
  '/portal/products/new',
  page((c) => {
    const r = requirePortal(c, '/portal/products/new');
    if ('response' in r) return r.response;
    return renderNew(c, r.ctx, { minOrderQuantity: '1', orderStep: '1', stock: '0', category: 'mushroom' });
  }),
);

cooperativePages.post(
  '/portal/products/new',
  page(async (c) => {
    const r = requirePortal(c, '/portal/products/new');
    if ('response' in r) return r.response;
    const values = await stringForm(c);
    const publish = values.publish === '1';
    if (publish) requireCooperativeStaff(c, r.ctx.coop.organizationId, { verified: true });
    const parsed = parseForm(
      createProductSchema,
      {
        ...productFieldsFromForm(values),
        cooperativeId: r.ctx.coop.organizationId,
        sku: values.sku || undefined,
        stock: values.stock ? (/^\d+$/.test(values.stock) ? Number(values.stock) : Number.NaN) : 0,
        status: publish ? 'published' : 'draft',
      },
      r.ctx.locale,
    );
    if (!parsed.success) return renderNew(c, r.ctx, values, productFormProblem(parsed.issues, r.ctx.locale));
    try {
      const product = await service.createProduct(c.var.db, c.var.actor, parsed.data);
      return c.redirect(withCoop(`/portal/products/${product.id}?saved=created`, r.ctx.coop), 303);
    } catch (error) {
      return renderNew(c, r.ctx, values, errorMessage(error));
    }
  }),
);

async function renderEditor(c: Context<AppEnv>, ctx: PortalContext, product: service.ProductRow, options: { values?: FormValues; error?: string; flash?: string | null } = {}) {
  const [images, history] = await Promise.all([photos.listImages(c.var.db, product.id), service.stockHistory(c.var.db, product.id, 20)]);
  return c.html(
    <PortalPage c={c} ctx={ctx} title={localized(product, 'name', ctx.locale)} current="/portal/products" error={options.error} flash={options.flash}>
      <p class="muted">
        {t(ctx.locale).sku}: {product.sku}
      </p>
      <ProductEditor ctx={ctx} product={product} values={options.values ?? formValuesOf(product)} images={images} history={history} />
    </PortalPage>,
    options.error ? 400 : 200,
  );
}

function flashFor(c: Context<AppEnv>, locale: Locale): string | null {
  const saved = c.req.query('saved');
  if (!saved) return null;
  const m = t(locale);
  return saved === 'created' ? m.created : saved === 'stock' ? m.adjusted : portalText(locale).saved;
}

cooperativePages.get(
  '/portal/products/:id',
  page(async (c) => {
    const r = await productPortal(c);
    if ('response' in r) return r.response;
    return renderEditor(c, r.ctx, r.product, { flash: flashFor(c, r.ctx.locale) });
  }),
);

cooperativePages.post(
  '/portal/products/:id',
  page(async (c) => {
    const r = await productPortal(c);
    if ('response' in r) return r.response;
    const values = await stringForm(c);
    const parsed = parseForm(updateProductSchema, productFieldsFromForm(values), r.ctx.locale);
    if (!parsed.success) return renderEditor(c, r.ctx, r.product, { values, error: productFormProblem(parsed.issues, r.ctx.locale) });
    try {
      await service.updateProduct(c.var.db, r.product, parsed.data);
    } catch (error) {
      return renderEditor(c, r.ctx, r.product, { values, error: errorMessage(error) });
    }
    return c.redirect(withCoop(`/portal/products/${r.product.id}?saved=1`, r.ctx.coop), 303);
  }),
);

cooperativePages.post(
  '/portal/products/:id/status',
  page(async (c) => {
    const r = await productPortal(c);
    if ('response' in r) return r.response;
    const publish = field(await formOf(c), 'action') === 'publish';
    if (publish) requireCooperativeStaff(c, r.product.cooperativeId, { verified: true });
    await service.setProductStatus(c.var.db, r.product, publish ? 'published' : 'unpublished');
    return c.redirect(withCoop(`/portal/products/${r.product.id}?saved=1`, r.ctx.coop), 303);
  }),
);

cooperativePages.post(
  '/portal/products/:id/stock',
  page(async (c) => {
    const r = await productPortal(c);
    if ('response' in r) return r.response;
    const form = await formOf(c);
    const delta = field(form, 'delta');
    const reason = field(form, 'reason');
    if (!/^-?\d{1,8}$/.test(delta) || Number(delta) === 0 || reason.length < 2) {
      return renderEditor(c, r.ctx, r.product, { error: `${t(r.ctx.locale).delta} / ${t(r.ctx.locale).reason}` });
    }
    try {
      await service.adjustStock(c.var.db, c.var.actor, r.product, Number(delta), reason.slice(0, 200));
    } catch (error) {
      return renderEditor(c, r.ctx, r.product, { error: errorMessage(error) });
    }
    return c.redirect(withCoop(`/portal/products/${r.product.id}?saved=stock`, r.ctx.coop), 303);
  }),
);

cooperativePages.post(
  '/portal/products/:id/photos',
  page(async (c) => {
    const r = await productPortal(c);
    if ('response' in r) return r.response;
    try {
      const bytes = await photos.readUploadedPhoto(c.req.raw);
      await photos.addImage(c.var.db, c.env.PHOTOS, r.product.id, bytes);
    } catch (error) {
      const response = await renderEditor(c, r.ctx, r.product, { error: errorMessage(error) });
      return new Response(response.body, { status: error instanceof AppError ? error.status : 400, headers: response.headers });
    }
    return c.redirect(withCoop(`/portal/products/${r.product.id}?saved=1`, r.ctx.coop), 303);
  }),
);

cooperativePages.post(
  '/portal/products/:id/photos/:imageId',
  page(async (c) => {
    const r = await productPortal(c);
    if ('response' in r) return r.response;
    const action = field(await formOf(c), 'action');
    const imageId = c.req.param('imageId') ?? '';
    if (action === 'remove') await photos.removeImage(c.var.db, c.env.PHOTOS, r.product.id, imageId);
    else await photos.moveImage(c.var.db, r.product.id, imageId, action === 'up' ? -1 : 1);
    return c.redirect(withCoop(`/portal/products/${r.product.id}?saved=1`, r.ctx.coop), 303);
  }),
);

cooperativePages.get(
  '/portal/import',
  page((c) => {
    const r = requirePortal(c, '/portal/import');
    if ('response' in r) return r.response;
    return c.html(
      <PortalPage c={c} ctx={r.ctx} title={t(r.ctx.locale).importTitle} current="/portal/import">
        <ImportForm ctx={r.ctx} />
      </PortalPage>,
    );
  }),
);

cooperativePages.post(
  '/portal/import',
  page(async (c) => {
    const r = requirePortal(c, '/portal/import');
    if ('response' in r) return r.response;
    const m = t(r.ctx.locale);
    const form = await formOf(c);
    const file = form.file;
    let report: ImportReport | null = null;
    let error: string | null = null;
    let rows: ImportRowReport[] = [];
    try {
      if (!file || typeof file === 'string') throw new AppError('bad_request', m.file);
      if (file.size > 2 * 1024 * 1024 + MAX_IMPORT_ROWS) throw new AppError('payload_too_large', '2 MB');
      report = await importProducts(c.var.db, c.var.actor, {
        cooperativeId: r.ctx.coop.organizationId,
        csv: decodeUtf8(await file.arrayBuffer()),
        dryRun: field(form, 'dryRun') === '1',
      });
      rows = report.rows;
    } catch (e) {
      if (e instanceof AppError && Array.isArray(e.extensions?.rows)) {
        rows = e.extensions.rows as ImportRowReport[];
        error = m.importFailed;
      } else error = errorMessage(e);
    }
    const summary = report
      ? fill(report.applied ? m.importDone : m.importChecked, { c: report.created, u: report.updated })
      : null;
    return c.html(
      <PortalPage c={c} ctx={r.ctx} title={m.importTitle} current="/portal/import" flash={summary} error={error}>
        {rows.length ? <ImportReportTable locale={r.ctx.locale} rows={rows} /> : null}
        <ImportForm ctx={r.ctx} />
      </PortalPage>,
      error ? 422 : 200,
    );
  }),
);
