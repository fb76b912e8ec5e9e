/**
 * The catalog's server-rendered pages: home, catalog with filters and search, product, counties,
 * county and cooperative pages, plus the category illustrations. They call the same service as the
 * JSON API; nothing here decides what a buyer may see.
 */
import { Hono, type Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../env';
import { AppError, handleError } from '../lib/errors';
import { localized, messages, type Locale } from '../lib/i18n';
import { formatFen, parseYuanToFen } from '../lib/money';
import { Layout } from '../views/layout';
import type { PairingKind } from '../db/schema';
import { categories, categoryName } from '../lib/categories';
import { productListQuerySchema } from './catalog.routes';
import * as catalog from './catalog.service';
import type { CountyView, NameRef, ProductDetail, ProductSummary } from './catalog.service';
import { illustrationSvg, illustrationUrl } from './illustrations';

const t = messages({
  zh: {
    homeTitle: '山海 · 买山里的好物，帮山里的人',
    storyTitle: '山海结对',
    story1: '上海各区与云南、新疆、西藏、青海的县市结对帮扶，把资金和技术变成当地可持续的产业。',
    story2: '在这里买下结对县合作社的菌子、茶叶、火腿和紫米，每一笔都会回到建档立卡贫困户手里。',
    featured: '精选好物',
    featuredCounties: '精选产地',
    browseCategories: '按品类选购',
    allProducts: '全部商品',
    searchLabel: '搜索商品',
    searchPlaceholder: '如：火腿、紫米、普洱茶',
    search: '搜索',
    catalogTitle: '商品',
    filters: '筛选',
    category: '品类',
    district: '上海结对区',
    county: '产地县市',
    priceFrom: '最低价（元）',
    priceTo: '最高价（元）',
    sort: '排序',
    any: '不限',
    apply: '应用筛选',
    reset: '清除',
    sortNewest: '最新上架',
    sortPrice: '价格从低到高',
    sortPriceDesc: '价格从高到低',
    sortPopular: '销量最高',
    noResults: '没有找到符合条件的商品。',
    nextPage: '下一页',
    firstPage: '回到第一页',
    pagination: '分页',
    results: '商品列表',
    perUnit: '/',
    moq: '起订量',
    step: '递增',
    stock: '库存',
    soldOut: '已售罄',
    inStock: '有货',
    tiers: '阶梯价',
    tierQuantity: '数量',
    tierPrice: '单价',
    tierFrom: '≥',
    provenance: '产地与帮扶',
    origin: '产地',
    pairedDistrict: '结对上海区',
    pairing: '结对方式',
    cooperative: '合作社',
    households: '带动建档立卡贫困户',
    householdsUnit: '户',
    certification: '认证编号',
    shelfLife: '保质期',
    days: '天',
    storage: '储存方式',
    spec: '规格',
    description: '商品介绍',
    quantity: '数量',
    addToCart: '加入购物车',
    quantityHint: '起订 {moq}，按 {step} 递增',
    photos: '商品图片',
    illustration: '示意图（暂无实拍）',
    countiesTitle: '产地：上海结对县市',
    countiesIntro: '上海各区与这些县市结对开展东西部扶贫协作或对口支援。',
    wholeShanghai: '上海市整体对口支援',
    countyProducts: '本县商品',
    countyCooperatives: '本县合作社',
    seeAll: '查看全部',
    pairedWith: '结对',
    cooperativeProducts: '合作社商品',
    story: '合作社故事',
    notFoundTitle: '没有找到',
    notFound: '您要找的页面不存在或商品已下架。',
    backToCatalog: '返回商品列表',
    invalidFilters: '部分筛选条件无效，已忽略：',
    priceInvalid: '价格请填写元为单位的数字，例如 12.80',
    invalidValue: '无法识别，已忽略',
    staleCursor: '分页链接已失效，已回到第一页',
    collaboration: '东西部扶贫协作',
    'counterpart-support': '对口支援',
    supportedBy: '上海市',
  },
  en: {
    homeTitle: 'Shanhai · Buy from the hills, help the people there',
    storyTitle: 'Shanghai and its paired counties',
    story1: "Each Shanghai district is paired with counties in Yunnan, Xinjiang, Tibet and Qinghai, turning aid into industries those counties can sustain.",
    story2: "Buying their cooperatives' mushrooms, tea, ham and purple rice here sends every sale back to registered poor households.",
    featured: 'Featured products',
    featuredCounties: 'Featured origins',
    browseCategories: 'Shop by category',
    allProducts: 'All products',
    searchLabel: 'Search products',
    searchPlaceholder: 'e.g. ham, purple rice, Pu’er tea',
    search: 'Search',
    catalogTitle: 'Products',
    filters: 'Filters',
    category: 'Category',
    district: 'Paired Shanghai district',
    county: 'County of origin',
    priceFrom: 'Min price (¥)',
    priceTo: 'Max price (¥)',
    sort: 'Sort by',
    any: 'Any',
    apply: 'Apply filters',
    reset: 'Clear',
    sortNewest: 'Newest',
    sortPrice: 'Price: low to high',
    sortPriceDesc: 'Price: high to low',
    sortPopular: 'Best selling',
    noResults: 'No products match these filters.',
    nextPage: 'Next page',
    firstPage: 'Back to the first page',
    pagination: 'Pagination',
    results: 'Products',
    perUnit: 'per',
    moq: 'Minimum order',
    step: 'Step',
    stock: 'Stock',
    soldOut: 'Sold out',
    inStock: 'In stock',
    tiers: 'Volume prices',
    tierQuantity: 'Quantity',
    tierPrice: 'Unit price',
    tierFrom: '≥',
    provenance: 'Origin and impact',
    origin: 'Origin',
    pairedDistrict: 'Paired Shanghai district',
    pairing: 'Pairing',
    cooperative: 'Cooperative',
    households: 'Registered poor households reached',
    householdsUnit: 'households',
    certification: 'Certification no.',
    shelfLife: 'Shelf life',
    days: 'days',
    storage: 'Storage',
    spec: 'Specification',
    description: 'About this product',
    quantity: 'Quantity',
    addToCart: 'Add to cart',
    quantityHint: 'Minimum {moq}, in steps of {step}',
    photos: 'Product photos',
    illustration: 'Illustration (no photo yet)',
    countiesTitle: "Origins: Shanghai's paired counties",
    countiesIntro: "Shanghai's districts work with these counties under east–west collaboration or counterpart support.",
    wholeShanghai: 'Supported by Shanghai as a whole',
    countyProducts: 'Products from this county',
    countyCooperatives: 'Cooperatives in this county',
    seeAll: 'See all',
    pairedWith: 'Paired with',
    cooperativeProducts: "The cooperative's products",
    story: 'Our story',
    notFoundTitle: 'Not found',
    notFound: 'This page does not exist, or the product is no longer on sale.',
    backToCatalog: 'Back to the products',
    invalidFilters: 'Some filters were not valid and were ignored:',
    priceInvalid: 'Enter prices in yuan, e.g. 12.80',
    invalidValue: 'not recognised, ignored',
    staleCursor: 'This page link has expired; showing the first page',
    collaboration: 'East–west collaboration',
    'counterpart-support': 'Counterpart support',
    supportedBy: 'Shanghai',
  },
});

type Messages = ReturnType<typeof t>;
type PageContext = Context<AppEnv>;

/** Catalog-only styles, kept beside the pages that use them. */
const catalogCss = `
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.hero{background:#fff;border:1px solid var(--line);border-radius:10px;padding:16px}
.hero p{margin:.3em 0}
.search{display:flex;gap:8px;flex-wrap:wrap;margin-top:12px}.search input{flex:1 1 180px}
.chips{display:flex;flex-wrap:wrap;gap:8px;padding:0;list-style:none}
.chips a{display:inline-block;padding:6px 12px;border:1px solid var(--line);border-radius:999px;background:#fff;text-decoration:none}
.grid.products{grid-template-columns:repeat(auto-fill,minmax(140px,1fr))}
.card a.title{text-decoration:none;color:var(--ink)}.card .meta{font-size:.85rem;color:var(--muted);margin:0}
.filters{background:#fff;border:1px solid var(--line);border-radius:10px;padding:12px;margin-bottom:16px}
.filters .field{flex:1 1 140px;min-width:0}.filters summary{cursor:pointer;margin-top:10px;color:var(--brand);font-weight:600}.filters select,.filters input{width:100%}
.product{display:grid;gap:16px}@media(min-width:760px){.product{grid-template-columns:minmax(0,5fr) minmax(0,6fr)}}
.product .pictures img{width:100%;height:auto;border-radius:10px;background:#fff;aspect-ratio:4/3;object-fit:cover}
.product .thumbs{display:flex;gap:8px;overflow-x:auto}.product .thumbs img{width:72px}
dl.facts dd{overflow-wrap:anywhere}
.buy{background:#fff;border:1px solid var(--line);border-radius:10px;padding:12px}
.buy input[type=number]{width:8em}
ul.plain{list-style:none;padding:0;margin:0}ul.plain li{margin:4px 0}
`;

// ---------------------------------------------------------------------------------------------
// Small shared pieces
// ---------------------------------------------------------------------------------------------

function currentPath(c: PageContext): string {
  const url = new URL(c.req.url);
  return `${url.pathname}${url.search}`;
}

function name(ref: NameRef, locale: Locale): string {
  return localized(ref, 'name', locale);
}

function pairingLabel(kind: PairingKind, m: Messages): string {
  return m[kind];
}

function Page(props: { c: PageContext; title: string; description?: string; children: Child }) {
  const { c } = props;
  return (
    <Layout title={props.title} locale={c.var.locale} path={currentPath(c)} actor={c.var.actor} description={props.description}>
      <style dangerouslySetInnerHTML={{ __html: catalogCss }} />
      {props.children}
    </Layout>
  );
}

function stockLabel(product: Pick<ProductSummary, 'stock' | 'minOrderQuantity' | 'unitZh' | 'unitEn'>, m: Messages, locale: Locale) {
  if (product.stock < product.minOrderQuantity) return <span class="badge bad">{m.soldOut}</span>;
  const unit = locale === 'en' ? product.unitEn : product.unitZh;
  return (
    <span class="badge">
      {m.inStock} · {product.stock} {unit}
    </span>
  );
}

function PriceLine({ product, m, locale }: { product: ProductSummary; m: Messages; locale: Locale }) {
  const unit = locale === 'en' ? product.unitEn : product.unitZh;
  return (
    <p class="price">
      {formatFen(product.unitPriceFen)} <span class="muted">{m.perUnit} {unit}</span>
    </p>
  );
}

function ProductCard({ product, m, locale }: { product: ProductSummary; m: Messages; locale: Locale }) {
  const title = name(product, locale);
  return (
    <li class="card" data-product-id={product.id}>
      <a href={`/products/${product.id}`} class="title">
        {/* The heading names the link; an alt repeating it would be read twice (axe: image-redundant-alt). */}
        <img src={product.imageUrl} alt="" width={400} height={300} loading="lazy" />
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

function ProductGrid({ items, m, locale, label }: { items: ProductSummary[]; m: Messages; locale: Locale; label: string }) {
  if (items.length === 0) return <p class="notice">{m.noResults}</p>;
  return (
    <ul class="grid plain products" aria-label={label}>
      {items.map((product) => (
        <ProductCard product={product} m={m} locale={locale} />
      ))}
    </ul>
  );
}

function countyOrigin(county: CountyView, locale: Locale): string {
  return locale === 'en'
    ? `${county.nameEn}, ${county.prefectureEn}, ${county.provinceEn}`
    : `${county.provinceZh}${county.prefectureZh}${county.nameZh}`;
}

// ---------------------------------------------------------------------------------------------
// Catalog query from a GET form: empty fields mean "any", prices are typed in yuan
// ---------------------------------------------------------------------------------------------

const PAGE_SIZE = 24;

type CatalogForm = Record<'category' | 'district' | 'county' | 'cooperative' | 'q' | 'sort' | 'minPrice' | 'maxPrice', string>;

function fieldLabel(field: string, m: Messages): string {
  const labels: Record<string, string> = { category: m.category, district: m.district, county: m.county, cooperative: m.cooperative, q: m.searchLabel, sort: m.sort };
  return labels[field] ?? field;
}

function readCatalogQuery(c: PageContext, m: Messages) {
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

function withParams(path: string, params: Record<string, string>, extra: Record<string, string | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  for (const [key, value] of Object.entries(extra)) {
    if (value === null) search.delete(key);
    else search.set(key, value);
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

function CatalogFilters({ form, m, locale, map }: { form: CatalogForm; m: Messages; locale: Locale; map: Awaited<ReturnType<typeof catalog.pairingMap>> }) {
  const sorts: Array<[catalog.ProductSort, string]> = [
    ['newest', m.sortNewest],
    ['price', m.sortPrice],
    ['-price', m.sortPriceDesc],
    ['popular', m.sortPopular],
  ];
  const refined = Boolean(form.category || form.district || form.county || form.minPrice || form.maxPrice || form.sort);
  const countyGroups = [
    ...map.districts.map((d) => ({ label: name(d, locale), counties: d.counties })),
    { label: m.wholeShanghai, counties: map.unassigned },
  ].filter((group) => group.counties.length > 0);
  return (
    <form method="get" action="/products" class="filters" role="search" aria-label={m.filters}>
      <label for="f-q">{m.searchLabel}</label>
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

// ---------------------------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------------------------

async function homePage(c: PageContext) {
  const locale = c.var.locale;
  const m = t(locale);
  const featured = await catalog.listProducts(c.var.db, { featured: true, sort: 'newest' }, { limit: 8 });
  const featuredCounties = [...new Map(featured.items.map((p) => [p.county.id, p])).values()];
  return c.html(
    <Page c={c} title={m.homeTitle} description={`${m.story1} ${m.story2}`}>
      <section class="hero" aria-labelledby="story">
        <h1 id="story">{m.storyTitle}</h1>
        <p>{m.story1}</p>
        <p>{m.story2}</p>
        <form method="get" action="/products" class="search" role="search">
          <label for="home-q" class="visually-hidden">
            {m.searchLabel}
          </label>
          <input id="home-q" type="search" name="q" placeholder={m.searchPlaceholder} maxlength={200} />
          <button type="submit">{m.search}</button>
        </form>
      </section>
      <section aria-labelledby="cats">
        <h2 id="cats">{m.browseCategories}</h2>
        <ul class="chips">
          {categories.map((cat) => (
            <li>
              <a href={`/products?category=${cat.id}`}>{categoryName(cat.id, locale)}</a>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="featured">
        <h2 id="featured">{m.featured}</h2>
        <ProductGrid items={featured.items} m={m} locale={locale} label={m.featured} />
        <p>
          <a href="/products">{m.allProducts} →</a>
        </p>
      </section>
      <section aria-labelledby="origins">
        <h2 id="origins">{m.featuredCounties}</h2>
        <ul class="grid plain">
          {featuredCounties.map((p) => (
            <li class="card">
              <h3>
                <a href={`/counties/${p.county.id}`}>{name(p.county, locale)}</a>
              </h3>
              <p class="meta">
                {p.district ? `${m.pairedWith} ${name(p.district, locale)}` : m.wholeShanghai}
              </p>
              <p class="meta">{name(p, locale)}</p>
            </li>
          ))}
        </ul>
        <p>
          <a href="/counties">{m.countiesTitle} →</a>
        </p>
      </section>
    </Page>,
  );
}

async function catalogPage(c: PageContext) {
  const locale = c.var.locale;
  const m = t(locale);
  const { form, filters, page, problems } = readCatalogQuery(c, m);
  if (filters.minPriceFen !== undefined && filters.maxPriceFen !== undefined && filters.minPriceFen > filters.maxPriceFen) {
    [filters.minPriceFen, filters.maxPriceFen] = [filters.maxPriceFen, filters.minPriceFen];
  }
  const list = async () => {
    try {
      return await catalog.listProducts(c.var.db, filters, page);
    } catch (error) {
      // A stale or hand-edited cursor: say so and show the first page instead of failing.
      if (!(error instanceof AppError) || error.code !== 'validation_failed' || !page.cursor) throw error;
      problems.push(m.staleCursor);
      page.cursor = undefined;
      return catalog.listProducts(c.var.db, filters, page);
    }
  };
  const [map, result] = await Promise.all([catalog.pairingMap(c.var.db), list()]);
  const heading = filters.category ? categoryName(filters.category, locale) : m.catalogTitle;
  const params = { ...form, cursor: '' };
  return c.html(
    <Page c={c} title={heading}>
      <h1>{heading}</h1>
      <CatalogFilters form={form} m={m} locale={locale} map={map} />
      {problems.length > 0 ? (
        <div class="error" role="alert">
          <p>{m.invalidFilters}</p>
          <ul>
            {problems.map((p) => (
              <li>{p}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {/* Cards are h3 like everywhere else; this keeps the outline h1 → h2 → h3 (axe: heading-order). */}
      <h2 class="visually-hidden">{m.results}</h2>
      <ProductGrid items={result.items} m={m} locale={locale} label={m.results} />
      <nav class="pager" aria-label={m.pagination}>
        {page.cursor ? <a href={withParams('/products', params, { cursor: null })}>{m.firstPage}</a> : null}
        {result.nextCursor ? (
          <a rel="next" href={withParams('/products', params, { cursor: result.nextCursor })}>
            {m.nextPage} →
          </a>
        ) : null}
      </nav>
    </Page>,
    problems.length > 0 ? 400 : 200,
  );
}

function TierTable({ product, m, locale }: { product: ProductDetail; m: Messages; locale: Locale }) {
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

function AddToCart({ product, m, locale }: { product: ProductDetail; m: Messages; locale: Locale }) {
  const soldOut = product.stock < product.minOrderQuantity;
  const hint = m.quantityHint.replace('{moq}', String(product.minOrderQuantity)).replace('{step}', String(product.orderStep));
  return (
    <form method="post" action="/cart/items" class="buy stack" aria-label={m.addToCart}>
      <input type="hidden" name="productId" value={product.id} />
      <label for="quantity">
        {m.quantity} ({locale === 'en' ? product.unitEn : product.unitZh})
      </label>
      <div class="row">
        <input
          id="quantity"
          type="number"
          name="quantity"
          value={String(product.minOrderQuantity)}
          min={String(product.minOrderQuantity)}
          step={String(product.orderStep)}
          max={String(Math.max(product.stock, product.minOrderQuantity))}
          inputmode="numeric"
          required
          aria-describedby="quantity-hint"
          disabled={soldOut}
        />
        <button type="submit" disabled={soldOut}>
          {soldOut ? m.soldOut : m.addToCart}
        </button>
      </div>
      <p id="quantity-hint" class="muted">
        {hint}
      </p>
    </form>
  );
}

async function productPage(c: PageContext) {
  const locale = c.var.locale;
  const m = t(locale);
  const product = await catalog.getProduct(c.var.db, c.req.param('id') ?? '');
  const title = name(product, locale);
  const { county, district, cooperative } = product.provenance;
  const pictures = product.images.length > 0 ? product.images.map((image) => image.url) : [illustrationUrl(product.category)];
  return c.html(
    <Page c={c} title={title} description={locale === 'en' ? product.descriptionEn : product.descriptionZh}>
      <p class="muted">
        <a href="/products">{m.catalogTitle}</a> › <a href={`/products?category=${product.category}`}>{categoryName(product.category, locale)}</a>
      </p>
      <article class="product">
        <div class="pictures" role="group" aria-label={m.photos}>
          <img src={pictures[0]} alt={product.hasPhoto ? title : `${title} — ${m.illustration}`} width={400} height={300} />
          {product.hasPhoto ? null : <p class="muted">{m.illustration}</p>}
          {pictures.length > 1 ? (
            <div class="thumbs">
              {pictures.slice(1).map((url, index) => (
                <img src={url} alt={`${title} ${index + 2}`} width={72} height={54} loading="lazy" />
              ))}
            </div>
          ) : null}
        </div>
        <div class="stack">
          <h1>{title}</h1>
          <p class="muted">{locale === 'en' ? product.specEn : product.specZh}</p>
          <PriceLine product={product} m={m} locale={locale} />
          <p>{stockLabel(product, m, locale)}</p>
          <dl class="facts">
            <dt>{m.moq}</dt>
            <dd>
              {product.minOrderQuantity} {locale === 'en' ? product.unitEn : product.unitZh}
            </dd>
            <dt>{m.step}</dt>
            <dd>{product.orderStep}</dd>
            <dt>{m.stock}</dt>
            <dd>{product.stock}</dd>
          </dl>
          <TierTable product={product} m={m} locale={locale} />
          <AddToCart product={product} m={m} locale={locale} />
        </div>
      </article>
      <section aria-labelledby="provenance">
        <h2 id="provenance">{m.provenance}</h2>
        <dl class="facts" data-testid="provenance">
          <dt>{m.origin}</dt>
          <dd>
            <a href={`/counties/${county.id}`}>{name(county, locale)}</a> · {countyOrigin(county, locale)}
          </dd>
          <dt>{m.pairedDistrict}</dt>
          <dd>{district ? name(district, locale) : m.supportedBy}</dd>
          <dt>{m.pairing}</dt>
          <dd>{pairingLabel(county.pairingKind, m)}</dd>
          <dt>{m.cooperative}</dt>
          <dd>
            <a href={`/cooperatives/${cooperative.id}`}>{name(cooperative, locale)}</a>
          </dd>
          <dt>{m.households}</dt>
          <dd>
            {product.provenance.householdsBenefited} {m.householdsUnit}
          </dd>
          {product.certificationNo ? (
            <>
              <dt>{m.certification}</dt>
              <dd>{product.certificationNo}</dd>
            </>
          ) : null}
          {product.shelfLifeDays !== null ? (
            <>
              <dt>{m.shelfLife}</dt>
              <dd>
                {product.shelfLifeDays} {m.days}
              </dd>
            </>
          ) : null}
          <dt>{m.storage}</dt>
          <dd>{locale === 'en' ? product.storageEn : product.storageZh}</dd>
        </dl>
      </section>
      <section aria-labelledby="description">
        <h2 id="description">{m.description}</h2>
        <p>{locale === 'en' ? product.descriptionEn : product.descriptionZh}</p>
      </section>
    </Page>,
  );
}

function CountyLine({ county, locale }: { county: CountyView; locale: Locale }) {
  return (
    <li>
      <a href={`/counties/${county.id}`}>{name(county, locale)}</a>{' '}
      <span class="muted">
        {locale === 'en' ? `${county.prefectureEn}, ${county.provinceEn}` : `${county.provinceZh}${county.prefectureZh}`}
      </span>
    </li>
  );
}

async function countiesPage(c: PageContext) {
  const locale = c.var.locale;
  const m = t(locale);
  const map = await catalog.pairingMap(c.var.db);
  const byKind = (counties: CountyView[], kind: PairingKind) => counties.filter((county) => county.pairingKind === kind);
  return c.html(
    <Page c={c} title={m.countiesTitle}>
      <h1>{m.countiesTitle}</h1>
      <p>{m.countiesIntro}</p>
      <div class="grid" style="grid-template-columns:repeat(auto-fill,minmax(260px,1fr))">
        {map.districts.map((d) => (
          <section class="card" aria-labelledby={`d-${d.id}`}>
            <h2 id={`d-${d.id}`}>{name(d, locale)}</h2>
            <p class="muted">{locale === 'en' ? d.pairingNoteEn : d.pairingNoteZh}</p>
            {(['collaboration', 'counterpart-support'] as const).map((kind) =>
              byKind(d.counties, kind).length > 0 ? (
                <>
                  <h3>{pairingLabel(kind, m)}</h3>
                  <ul class="plain">
                    {byKind(d.counties, kind).map((county) => (
                      <CountyLine county={county} locale={locale} />
                    ))}
                  </ul>
                </>
              ) : null,
            )}
          </section>
        ))}
        {map.unassigned.length > 0 ? (
          <section class="card" aria-labelledby="d-shanghai">
            <h2 id="d-shanghai">{m.wholeShanghai}</h2>
            <ul class="plain">
              {map.unassigned.map((county) => (
                <CountyLine county={county} locale={locale} />
              ))}
            </ul>
          </section>
        ) : null}
      </div>
    </Page>,
  );
}

async function countyPage(c: PageContext) {
  const locale = c.var.locale;
  const m = t(locale);
  const id = c.req.param('id') ?? '';
  const county = await catalog.getCounty(c.var.db, id);
  const result = await catalog.listProducts(c.var.db, { county: id, sort: 'popular' }, { limit: PAGE_SIZE });
  const title = name(county, locale);
  return c.html(
    <Page c={c} title={title} description={locale === 'en' ? county.summaryEn : county.summaryZh}>
      <p class="muted">
        <a href="/counties">{m.countiesTitle}</a>
      </p>
      <h1>{title}</h1>
      <p class="muted">{countyOrigin(county, locale)}</p>
      <p>{locale === 'en' ? county.summaryEn : county.summaryZh}</p>
      <dl class="facts">
        <dt>{m.pairedDistrict}</dt>
        <dd>{county.district ? name(county.district, locale) : m.supportedBy}</dd>
        <dt>{m.pairing}</dt>
        <dd>{pairingLabel(county.pairingKind, m)}</dd>
      </dl>
      {county.district ? <p class="muted">{locale === 'en' ? county.district.pairingNoteEn : county.district.pairingNoteZh}</p> : null}
      <section aria-labelledby="coops">
        <h2 id="coops">{m.countyCooperatives}</h2>
        <ul class="plain">
          {county.cooperatives.map((coop) => (
            <li>
              <a href={`/cooperatives/${coop.id}`}>{name(coop, locale)}</a>{' '}
              <span class="muted">
                · {m.households} {coop.householdsBenefited} {m.householdsUnit}
              </span>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="county-products">
        <h2 id="county-products">{m.countyProducts}</h2>
        <ProductGrid items={result.items} m={m} locale={locale} label={m.countyProducts} />
        {result.nextCursor ? (
          <p>
            <a href={`/products?county=${county.id}`}>{m.seeAll} →</a>
          </p>
        ) : null}
      </section>
    </Page>,
  );
}

async function cooperativePage(c: PageContext) {
  const locale = c.var.locale;
  const m = t(locale);
  const id = c.req.param('id') ?? '';
  const coop = await catalog.getCooperative(c.var.db, id);
  const result = await catalog.listProducts(c.var.db, { cooperative: id, sort: 'popular' }, { limit: PAGE_SIZE });
  const title = name(coop, locale);
  return c.html(
    <Page c={c} title={title}>
      <h1>{title}</h1>
      <dl class="facts">
        <dt>{m.origin}</dt>
        <dd>
          <a href={`/counties/${coop.county.id}`}>{name(coop.county, locale)}</a> · {countyOrigin(coop.county, locale)}
        </dd>
        <dt>{m.pairedDistrict}</dt>
        <dd>{coop.district ? name(coop.district, locale) : m.supportedBy}</dd>
        <dt>{m.pairing}</dt>
        <dd>{pairingLabel(coop.county.pairingKind, m)}</dd>
        <dt>{m.households}</dt>
        <dd>
          {coop.householdsBenefited} {m.householdsUnit}
        </dd>
        {coop.certificationNo ? (
          <>
            <dt>{m.certification}</dt>
            <dd>{coop.certificationNo}</dd>
          </>
        ) : null}
      </dl>
      <section aria-labelledby="story">
        <h2 id="story">{m.story}</h2>
        <p>{locale === 'en' ? coop.storyEn : coop.storyZh}</p>
      </section>
      <section aria-labelledby="coop-products">
        <h2 id="coop-products">{m.cooperativeProducts}</h2>
        <ProductGrid items={result.items} m={m} locale={locale} label={m.cooperativeProducts} />
        {result.nextCursor ? (
          <p>
            <a href={`/products?cooperative=${coop.id}`}>{m.seeAll} →</a>
          </p>
        ) : null}
      </section>
    </Page>,
  );
}

function illustration(c: PageContext) {
  const file = c.req.param('file') ?? '';
  const svg = file.endsWith('.svg') ? illustrationSvg(file.slice(0, -'.svg'.length)) : null;
  if (!svg) throw new AppError('not_found', `No illustration ${file}`);
  return c.body(svg, 200, {
    'content-type': 'image/svg+xml; charset=utf-8',
    // The URL carries ILLUSTRATION_VERSION, so a changed drawing gets a new URL.
    'cache-control': 'public, max-age=31536000, immutable',
  });
}

/** Not-found ids render an HTML page (in the visitor's language); other errors go to the app's handler. */
function pageError(error: Error, c: PageContext) {
  if (error instanceof AppError && error.code === 'not_found' && !c.req.path.startsWith('/illustrations/')) {
    const m = t(c.var.locale);
    return c.html(
      <Page c={c} title={m.notFoundTitle}>
        <h1>{m.notFoundTitle}</h1>
        <p>{m.notFound}</p>
        <p>
          <a href="/products">{m.backToCatalog}</a>
        </p>
      </Page>,
      404,
    );
  }
  return handleError(error, c);
}

export const catalogPages = new Hono<AppEnv>()
  .get('/', homePage)
  .get('/products', catalogPage)
  .get('/products/:id', productPage)
  .get('/counties', countiesPage)
  .get('/counties/:id', countyPage)
  .get('/cooperatives/:id', cooperativePage)
  .get('/illustrations/:file', illustration)
  .onError(pageError);
