/** Pieces shared by the catalog pages: cards, grids, prices, the filter form and its query reading. */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../env';
import { localized, type Locale } from '../lib/i18n';
import { formatFen, parseYuanToFen } from '../lib/money';
import { Layout } from '../views/layout';
import { cartCountFromCookie } from '../views/cart-count';
import type { PairingKind } from '../db/schema';
import { categories, categoryName } from '../lib/categories';
import { productListQuerySchema } from './catalog.routes';
import type * as catalog from './catalog.service';
import type { CountyView, NameRef, ProductDetail, ProductSummary } from './catalog.service';
import type { Messages } from './catalog.i18n';

export type PageContext = Context<AppEnv>;
// ---------------------------------------------------------------------------------------------
// Small shared pieces
// ---------------------------------------------------------------------------------------------

export function currentPath(c: PageContext): string {
  const url = new URL(c.req.url);
  return `${url.pathname}${url.search}`;
}

export function name(ref: NameRef, locale: Locale): string {
  return localized(ref, 'name', locale);
}

export function pairingLabel(kind: PairingKind, m: Messages): string {
  return m[kind];
}

export function Page(props: { c: PageContext; title: string; description?: string; bodyClass?: string; children: Child }) {
  const { c } = props;
  return (
    <Layout title={props.title} locale={c.var.locale} path={currentPath(c)} actor={c.var.actor} description={props.description} cartCount={cartCountFromCookie(c)} bodyClass={props.bodyClass} styles={['css/catalog.css']}>
      {props.children}
    </Layout>
  );
}

export function stockLabel(product: Pick<ProductSummary, 'stock' | 'minOrderQuantity' | 'unitZh' | 'unitEn'>, m: Messages, locale: Locale) {
  if (product.stock < product.minOrderQuantity) return <span class="badge bad">{m.soldOut}</span>;
  const unit = locale === 'en' ? product.unitEn : product.unitZh;
  return (
    <span class="badge">
      {m.inStock} · {product.stock} {unit}
    </span>
  );
}

export function PriceLine({ product, m, locale }: { product: ProductSummary; m: Messages; locale: Locale }) {
  const unit = locale === 'en' ? product.unitEn : product.unitZh;
  return (
    <p class="price">
      {formatFen(product.unitPriceFen)} <span class="muted">{m.perUnit} {unit}</span>
    </p>
  );
}

export function ProductCard({ product, m, locale, eager = false }: { product: ProductSummary; m: Messages; locale: Locale; eager?: boolean }) {
  const title = name(product, locale);
  return (
    <li class="card" data-product-id={product.id}>
      <a href={`/products/${product.id}`} class="title">
        {/* The heading names the link; an alt repeating it would be read twice (axe: image-redundant-alt). */}
        <img src={product.imageUrl} alt="" width={400} height={300} loading={eager ? 'eager' : 'lazy'} />
        <h3>{title}</h3>
      </a>
      <p class="meta">
        {locale === 'en' ? product.specEn : product.specZh}
      </p>
      <p class="meta">
        <a href={`/counties/${product.county.id}`}>{name(product.county, locale)}</a>
        {product.district ? ` · ${m.pairedWith} ${name(product.district, locale)}` : ''}
      </p>
      <PriceLine product={product} m={m} locale={locale} />
      {stockLabel(product, m, locale)}
    </li>
  );
}

export function ProductGrid({ items, m, locale, label }: { items: ProductSummary[]; m: Messages; locale: Locale; label: string }) {
  if (items.length === 0) return <EmptyResults m={m} locale={locale} />;
  return (
    <ul class="grid plain products" aria-label={label}>
      {/* The first row is above the fold on a phone: loaded at once (it is the largest paint). */}
      {items.map((product, index) => (
        <ProductCard product={product} m={m} locale={locale} eager={index < 2} />
      ))}
    </ul>
  );
}

export function countyOrigin(county: CountyView, locale: Locale): string {
  return locale === 'en'
    ? `${county.nameEn}, ${county.prefectureEn}, ${county.provinceEn}`
    : `${county.provinceZh}${county.prefectureZh}${county.nameZh}`;
}

// ---------------------------------------------------------------------------------------------
// Catalog query from a GET form: empty fields mean "any", prices are typed in yuan
// ---------------------------------------------------------------------------------------------

export const PAGE_SIZE = 24;

export type CatalogForm = Record<'category' | 'district' | 'county' | 'cooperative' | 'q' | 'sort' | 'minPrice' | 'maxPrice', string>;

export function fieldLabel(field: string, m: Messages): string {
  const labels: Record<string, string> = { category: m.category, district: m.district, county: m.county, cooperative: m.cooperative, q: m.searchLabel, sort: m.sort };
  return labels[field] ?? field;
}

export function readCatalogQuery(c: PageContext, m: Messages) {
  const raw = (key: string) => (c.req.query(key) ?? '').trim();
  const form: CatalogForm = {
    category: raw('category'),
    district: raw('district'),
    county: raw('county'),
    cooperative: raw('cooperative'),
    q: raw('q'),
    sort: raw('sort'),
    minPrice: raw('minPrice'),
    maxPrice: raw('maxPrice'),
  };
  const problems: string[] = [];
  const yuan = (text: string, label: string) => {
    if (text === '') return undefined;
    const fen = parseYuanToFen(text);
    if (fen === null) problems.push(`${label}: ${m.priceInvalid}`);
    return fen ?? undefined;
  };
  const candidate: Record<string, string | number | undefined> = {
    category: form.category || undefined,
    district: form.district || undefined,
    county: form.county || undefined,
    cooperative: form.cooperative || undefined,
    q: form.q || undefined,
    sort: form.sort || undefined,
    minPriceFen: yuan(form.minPrice, m.priceFrom),
    maxPriceFen: yuan(form.maxPrice, m.priceTo),
    cursor: raw('cursor') || undefined,
    limit: PAGE_SIZE,
  };
  // The page uses the API's own schema; a field it rejects is reported and dropped, never a 500.
  let parsed = productListQuerySchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]);
      problems.push(field === 'cursor' ? m.staleCursor : `${fieldLabel(field, m)}: ${m.invalidValue}`);
      candidate[field] = undefined;
      if (field === 'category' || field === 'sort') form[field] = '';
    }
    parsed = productListQuerySchema.safeParse(candidate);
  }
  const query = parsed.success ? parsed.data : productListQuerySchema.parse({ limit: PAGE_SIZE });
  const { limit, cursor, ...filters } = query;
  return { form, filters, page: { limit, cursor }, problems };
}

export function withParams(path: string, params: Record<string, string>, extra: Record<string, string | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  for (const [key, value] of Object.entries(extra)) {
    if (value === null) search.delete(key);
    else search.set(key, value);
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

export function CatalogFilters({ form, m, locale, map }: { form: CatalogForm; m: Messages; locale: Locale; map: Awaited<ReturnType<typeof catalog.pairingMap>> }) {
  const sorts = sortOptions(m);
  const refined = Boolean(form.category || form.district || form.county || form.minPrice || form.maxPrice);
  const countyGroups = [
    ...map.districts.map((d) => ({ label: name(d, locale), counties: d.counties })),
    { label: m.wholeShanghai, counties: map.unassigned },
  ].filter((group) => group.counties.length > 0);
  return (
    <form method="get" action="/products" class="filters" role="search" aria-label={m.filters}>
      <label for="f-q" class="visually-hidden">
        {m.searchLabel}
      </label>
      <div class="search" style="margin-top:0">
        <input id="f-q" type="search" name="q" value={form.q} placeholder={m.searchPlaceholder} maxlength={200} />
        <button type="submit">{m.search}</button>
      </div>
      {/* Closed on a phone's first visit so the products show above the fold; open once a filter is in use. */}
      <details open={refined}>
        <summary>{m.filters}</summary>
        <div class="inline row" style="margin-top:8px">
          <label for="f-category" class="field">
            {m.category}
            <select id="f-category" name="category">
              <option value="">{m.any}</option>
              {categories.map((cat) => (
                <option value={cat.id} selected={form.category === cat.id}>
                  {categoryName(cat.id, locale)}
                </option>
              ))}
            </select>
          </label>
          <label for="f-district" class="field">
            {m.district}
            <select id="f-district" name="district">
              <option value="">{m.any}</option>
              {map.districts.map((d) => (
                <option value={d.id} selected={form.district === d.id}>
                  {name(d, locale)}
                </option>
              ))}
            </select>
          </label>
          <label for="f-county" class="field">
            {m.county}
            <select id="f-county" name="county">
              <option value="">{m.any}</option>
              {countyGroups.map((group) => (
                <optgroup label={group.label}>
                  {group.counties.map((county) => (
                    <option value={county.id} selected={form.county === county.id}>
                      {name(county, locale)}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </label>
          <label for="f-min" class="field">
            {m.priceFrom}
            <input id="f-min" type="number" name="minPrice" min="0" step="0.01" inputmode="decimal" value={form.minPrice} />
          </label>
          <label for="f-max" class="field">
            {m.priceTo}
            <input id="f-max" type="number" name="maxPrice" min="0" step="0.01" inputmode="decimal" value={form.maxPrice} />
          </label>
          <label for="f-sort" class="field">
            {m.sort}
            <select id="f-sort" name="sort">
              {sorts.map(([value, label]) => (
                <option value={value} selected={(form.sort || 'newest') === value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div class="row" style="margin-top:12px">
          <button type="submit">{m.apply}</button>
          <a class="button secondary" href="/products">
            {m.reset}
          </a>
        </div>
      </details>
      {form.cooperative ? <input type="hidden" name="cooperative" value={form.cooperative} /> : null}
    </form>
  );
}


export function TierTable({ product, m, locale }: { product: ProductDetail; m: Messages; locale: Locale }) {
  const unit = locale === 'en' ? product.unitEn : product.unitZh;
  const rows = [{ minQuantity: product.minOrderQuantity, unitPriceFen: product.unitPriceFen }, ...product.priceTiers.filter((tier) => tier.minQuantity > product.minOrderQuantity)];
  return (
    <div class="table-wrap">
      <table>
        <caption class="muted" style="text-align:left">
          {m.tiers}
        </caption>
        <thead>
          <tr>
            <th scope="col">{m.tierQuantity}</th>
            <th scope="col">{m.tierPrice}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              <td>
                {m.tierFrom} {row.minQuantity} {unit}
              </td>
              <td class="price">{formatFen(row.unitPriceFen)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}


/** Categories as a sideways-scrolling rail of chips (links), the current one marked. */
export function CategoryRail({ form, m, locale }: { form: CatalogForm; m: Messages; locale: Locale }) {
  const base = { ...form, category: '', cursor: '' };
  return (
    <nav aria-label={m.categoryRail}>
      <ul class="chips rail">
        <li>
          <a href={withParams('/products', base, {})} aria-current={form.category === '' ? 'true' : undefined}>
            {m.allCategories}
          </a>
        </li>
        {categories.map((cat) => (
          <li>
            <a href={withParams('/products', base, { category: cat.id })} aria-current={form.category === cat.id ? 'true' : undefined}>
              {categoryName(cat.id, locale)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function sortOptions(m: Messages): Array<[catalog.ProductSort, string]> {
  return [
    ['newest', m.sortNewest],
    ['price', m.sortPrice],
    ['-price', m.sortPriceDesc],
    ['popular', m.sortPopular],
  ];
}

/** The sort as one tap each (links keep every other filter). */
export function SortBar({ form, m }: { form: CatalogForm; m: Messages }) {
  const current = form.sort || 'newest';
  return (
    <nav class="sortbar" aria-label={m.sortBar}>
      {sortOptions(m).map(([value, label]) => (
        <a href={withParams('/products', { ...form, cursor: '' }, { sort: value === 'newest' ? null : value })} aria-current={current === value ? 'true' : undefined}>
          {label}
        </a>
      ))}
    </nav>
  );
}

export function SearchBox({ id, m, value = '' }: { id: string; m: Messages; value?: string }) {
  return (
    <form method="get" action="/products" class="search" role="search">
      <label for={id} class="visually-hidden">
        {m.searchLabel}
      </label>
      <input id={id} type="search" name="q" value={value} placeholder={m.searchPlaceholder} maxlength={200} />
      <button type="submit">{m.search}</button>
    </form>
  );
}

const SUGGESTED_SEARCHES = { zh: ['火腿', '紫米', '普洱', '香菇', '核桃'], en: ['ham', 'purple rice', 'tea', 'mushroom', 'walnut'] } as const;

/** No results: say so, then offer popular searches and the categories, never a dead end. */
export function EmptyResults({ m, locale }: { m: Messages; locale: Locale }) {
  return (
    <div class="empty stack" role="status">
      <p>
        <strong>{m.noResults}</strong>
      </p>
      <p>{m.tryThese}</p>
      <ul class="chips">
        {SUGGESTED_SEARCHES[locale].map((word) => (
          <li>
            <a href={`/products?q=${encodeURIComponent(word)}`}>{word}</a>
          </li>
        ))}
      </ul>
      <p>{m.noResultsHint}</p>
      <ul class="chips">
        {categories.map((cat) => (
          <li>
            <a href={`/products?category=${cat.id}`}>{categoryName(cat.id, locale)}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}
