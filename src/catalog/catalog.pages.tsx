/**
 * The catalog's server-rendered pages: home, catalog with filters and search, product, counties,
 * county and cooperative pages, plus the category illustrations. They call the same service as the
 * JSON API; nothing here decides what a buyer may see. Components live in catalog.views.tsx and
 * product.views.tsx, strings in catalog.i18n.ts, styles in assets/css/catalog.css.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { AppError, handleError } from '../lib/errors';
import type { Locale } from '../lib/i18n';
import { categories, categoryName } from '../lib/categories';
import * as catalog from './catalog.service';
import type { CountyView } from './catalog.service';
import { t, type Messages } from './catalog.i18n';
import { illustrationSvg } from './illustrations';
import {
  CatalogFilters,
  CategoryRail,
  countyOrigin,
  name,
  Page,
  PAGE_SIZE,
  pairingLabel,
  ProductGrid,
  readCatalogQuery,
  SearchBox,
  SortBar,
  withParams,
  type PageContext,
} from './catalog.views';
import { BuyBar, Gallery, PriceBlock, Provenance } from './product.views';

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
        <SearchBox id="home-q" m={m} />
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
        <p class="pager">
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
              <p class="meta">{p.district ? `${m.pairedWith} ${name(p.district, locale)}` : m.wholeShanghai}</p>
              <p class="meta">{name(p, locale)}</p>
            </li>
          ))}
        </ul>
        <p class="pager">
          <a href="/counties">{m.countiesTitle} →</a>
        </p>
      </section>
    </Page>,
  );
}

async function listOrFirstPage(c: PageContext, query: ReturnType<typeof readCatalogQuery>, m: Messages) {
  const { filters, page, problems } = query;
  try {
    return await catalog.listProducts(c.var.db, filters, page);
  } catch (error) {
    // A stale or hand-edited cursor: say so and show the first page instead of failing.
    if (!(error instanceof AppError) || error.code !== 'validation_failed' || !page.cursor) throw error;
    problems.push(m.staleCursor);
    page.cursor = undefined;
    return catalog.listProducts(c.var.db, filters, page);
  }
}

/** A hand-edited or stale query falls back to the defaults and says so (200: the page works; the API keeps its 400). */
async function catalogPage(c: PageContext) {
  const locale = c.var.locale;
  const m = t(locale);
  const query = readCatalogQuery(c, m);
  const { form, filters, page, problems } = query;
  if (filters.minPriceFen !== undefined && filters.maxPriceFen !== undefined && filters.minPriceFen > filters.maxPriceFen) {
    [filters.minPriceFen, filters.maxPriceFen] = [filters.maxPriceFen, filters.minPriceFen];
  }
  const [map, result] = await Promise.all([catalog.pairingMap(c.var.db), listOrFirstPage(c, query, m)]);
  const heading = filters.category ? categoryName(filters.category, locale) : m.catalogTitle;
  const params = { ...form, cursor: '' };
  return c.html(
    <Page c={c} title={heading}>
      <h1>{heading}</h1>
      <div class="sticky-tools">
        <CatalogFilters form={form} m={m} locale={locale} map={map} />
        <SortBar form={form} m={m} />
      </div>
      <CategoryRail form={form} m={m} locale={locale} />
      {problems.length > 0 ? (
        <div class="notice" role="status">
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
  );
}

async function productPage(c: PageContext) {
  const locale = c.var.locale;
  const m = t(locale);
  const product = await catalog.getProduct(c.var.db, c.req.param('id') ?? '');
  const title = name(product, locale);
  return c.html(
    <Page c={c} title={title} description={locale === 'en' ? product.descriptionEn : product.descriptionZh} bodyClass="has-buybar">
      <nav class="muted" aria-label={m.catalogTitle}>
        <a href="/products">{m.catalogTitle}</a> › <a href={`/products?category=${product.category}`}>{categoryName(product.category, locale)}</a>
      </nav>
      <article class="product">
        <Gallery product={product} m={m} locale={locale} />
        <div class="stack">
          <h1>{title}</h1>
          <p class="muted">{locale === 'en' ? product.specEn : product.specZh}</p>
          <PriceBlock product={product} m={m} locale={locale} />
          <BuyBar product={product} m={m} locale={locale} />
        </div>
      </article>
      <Provenance product={product} m={m} locale={locale} />
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
      <span class="muted">{locale === 'en' ? `${county.prefectureEn}, ${county.provinceEn}` : `${county.provinceZh}${county.prefectureZh}`}</span>
    </li>
  );
}

async function countiesPage(c: PageContext) {
  const locale = c.var.locale;
  const m = t(locale);
  const map = await catalog.pairingMap(c.var.db);
  const byKind = (counties: CountyView[], kind: 'collaboration' | 'counterpart-support') => counties.filter((county) => county.pairingKind === kind);
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
                  <ul class="plain links">
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
            <ul class="plain links">
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
  const households = county.cooperatives.reduce((sum, coop) => sum + coop.householdsBenefited, 0);
  const cover = result.items.find((p) => p.hasPhoto) ?? result.items[0];
  return c.html(
    <Page c={c} title={title} description={locale === 'en' ? county.summaryEn : county.summaryZh}>
      <nav class="muted" aria-label={m.countiesTitle}>
        <a href="/counties">{m.countiesTitle}</a>
      </nav>
      <h1>{title}</h1>
      {cover ? (
        <p class="county-cover">
          <img src={cover.imageUrl} alt={name(cover, locale)} width={800} height={450} />
        </p>
      ) : null}
      <p class="muted">{countyOrigin(county, locale)}</p>
      <div class="stats" aria-label={m.countyStats} role="group">
        <div>
          <strong>{households}</strong> {m.householdsUnit}
        </div>
        <div>
          <strong>{county.cooperatives.length}</strong> {m.cooperativesCount}
        </div>
        <div>
          <strong>{county.district ? name(county.district, locale) : m.supportedBy}</strong> {m.pairedDistrictShort}
        </div>
      </div>
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
        <ul class="plain links">
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
          <p class="pager">
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
          <p class="pager">
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

/** Not-found ids render an HTML page (in the visitor's language) with a search box and a way on; other errors go to the app's handler. */
function pageError(error: Error, c: PageContext) {
  if (error instanceof AppError && error.code === 'not_found' && !c.req.path.startsWith('/illustrations/')) {
    const m = t(c.var.locale);
    return c.html(
      <Page c={c} title={m.notFoundTitle}>
        <h1>{m.notFoundTitle}</h1>
        <p>{m.notFound}</p>
        <p>{m.searchAgain}</p>
        <SearchBox id="notfound-q" m={m} />
        <ul class="plain links">
          <li>
            <a href="/products">{m.backToCatalog}</a>
          </li>
          <li>
            <a href="/">{m.backHome}</a>
          </li>
        </ul>
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
