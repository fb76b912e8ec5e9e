import { Hono } from 'hono';
import { PRODUCT_CATEGORIES } from '../db/schema';
import type { AppEnv } from '../env';
import { AppError, fieldErrors, type FieldError } from '../lib/errors';
import { messages, type Locale } from '../lib/i18n';
import { Layout } from '../views/layout';
import { HeadlineFigures, SalesBars, SalesByMonth, impactCss, impactText, nameIn } from './impact.components';
import { impactQuerySchema } from './impact.routes';
import { categoryName, loadImpact, loadPlaces, type ImpactFilter, type ImpactReport, type Place } from './report';

const formText = messages({
  zh: {
    filters: '筛选',
    from: '开始日期',
    to: '结束日期',
    district: '上海结对区',
    county: '区县',
    category: '品类',
    all: '全部',
    apply: '筛选',
    clear: '清除筛选',
    csv: '下载 CSV',
    invalid: '筛选条件有误：',
  },
  en: {
    filters: 'Filters',
    from: 'From',
    to: 'To',
    district: 'Shanghai district',
    county: 'County',
    category: 'Category',
    all: 'All',
    apply: 'Apply',
    clear: 'Clear filters',
    csv: 'Download CSV',
    invalid: 'Please correct the filters:',
  },
});

/** The query string of a filter (empty values left out), for links that keep the current slice. */
export function filterQuery(filter: ImpactFilter): string {
  const params = new URLSearchParams();
  for (const key of ['from', 'to', 'district', 'county', 'category'] as const) {
    const value = filter[key];
    if (value) params.set(key, value);
  }
  return params.toString();
}

function FilterForm({ filter, places, locale }: { filter: ImpactFilter; places: Place[]; locale: Locale }) {
  const m = formText(locale);
  const districts = places.filter((p) => p.kind === 'district');
  const counties = places.filter((p) => p.kind === 'county');
  const groups = [...districts.map((d) => ({ label: nameIn(d, locale), id: d.id as string | null })), { label: locale === 'en' ? 'Shanghai (city-wide)' : '上海市（全市统筹）', id: null }];
  const query = filterQuery(filter);
  return (
    <form class="inline impact-filters" method="get" action="/impact" aria-label={m.filters}>
      <div>
        <label for="f-from">{m.from}</label>
        <input id="f-from" type="date" name="from" value={filter.from ?? ''} />
      </div>
      <div>
        <label for="f-to">{m.to}</label>
        <input id="f-to" type="date" name="to" value={filter.to ?? ''} />
      </div>
      <div>
        <label for="f-district">{m.district}</label>
        <select id="f-district" name="district">
          <option value="">{m.all}</option>
          {districts.map((d) => (
            <option value={d.id} selected={filter.district === d.id}>
              {nameIn(d, locale)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="f-county">{m.county}</label>
        <select id="f-county" name="county">
          <option value="">{m.all}</option>
          {groups.map((group) => {
            const members = counties.filter((c) => c.districtId === group.id);
            return members.length ? (
              <optgroup label={group.label}>
                {members.map((c) => (
                  <option value={c.id} selected={filter.county === c.id}>
                    {nameIn(c, locale)}
                  </option>
                ))}
              </optgroup>
            ) : null;
          })}
        </select>
      </div>
      <div>
        <label for="f-category">{m.category}</label>
        <select id="f-category" name="category">
          <option value="">{m.all}</option>
          {PRODUCT_CATEGORIES.map((category) => (
            <option value={category} selected={filter.category === category}>
              {nameIn(categoryName(category), locale)}
            </option>
          ))}
        </select>
      </div>
      <div class="row">
        <button type="submit">{m.apply}</button>
        <a href="/impact">{m.clear}</a>
        <a class="button secondary" href={`/api/v1/impact?${query ? `${query}&` : ''}format=csv`} download>
          {m.csv}
        </a>
      </div>
    </form>
  );
}

function ImpactPage({ report, places, filter, errors, locale }: { report: ImpactReport | null; places: Place[]; filter: ImpactFilter; errors: FieldError[]; locale: Locale }) {
  const m = impactText(locale);
  const f = formText(locale);
  return (
    <>
      <style dangerouslySetInnerHTML={{ __html: impactCss }} />
      <h1>{m.title}</h1>
      <p class="muted">{m.intro}</p>
      <FilterForm filter={filter} places={places} locale={locale} />
      {errors.length ? (
        <div class="error" role="alert">
          <p>{f.invalid}</p>
          <ul>
            {errors.map((e) => (
              <li>
                {e.path.replace(/^query\./, '')}: {e.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {report ? (
        <>
          <HeadlineFigures figures={report.totals} locale={locale} />
          {report.byCounty.length === 0 ? <p class="notice">{m.noSales}</p> : null}
          <div class="charts">
            <SalesBars id="impact-county" heading={m.byCounty} rows={report.byCounty} locale={locale} />
            <SalesBars id="impact-district" heading={m.byDistrict} rows={report.byDistrict} locale={locale} />
            <SalesBars id="impact-category" heading={m.byCategory} rows={report.byCategory} locale={locale} />
            <SalesByMonth id="impact-month" heading={m.byMonth} rows={report.byMonth} locale={locale} />
          </div>
        </>
      ) : null}
    </>
  );
}

/** The public impact page: headline figures, SVG charts with data tables, filters and CSV download. */
export const impactPages = new Hono<AppEnv>().get('/impact', async (c) => {
  const locale = c.var.locale;
  const url = new URL(c.req.url);
  // An empty form field means "any"; everything else is validated exactly like the API.
  const raw = Object.fromEntries([...url.searchParams].filter(([key, value]) => value !== '' && key !== 'lang' && key !== 'format'));
  const parsed = impactQuerySchema.safeParse(raw);
  let errors: FieldError[] = parsed.success ? [] : fieldErrors(parsed.error, 'query');
  const filter: ImpactFilter = parsed.success ? parsed.data : {};
  let report: ImpactReport | null = null;
  let places: Place[] | null = null;
  if (!errors.length) {
    try {
      ({ report, places } = await loadImpact(c.var.db, filter));
    } catch (error) {
      if (!(error instanceof AppError) || !error.errors) throw error;
      errors = error.errors;
    }
  }
  places ??= await loadPlaces(c.var.db);
  const shownFilter = parsed.success ? filter : (raw as ImpactFilter);
  return c.html(
    <Layout title={impactText(locale).title} locale={locale} path={`${url.pathname}${url.search}`} actor={c.var.actor} description={impactText(locale).intro}>
      <ImpactPage report={report} places={places} filter={shownFilter} errors={errors} locale={locale} />
    </Layout>,
    errors.length ? 400 : 200,
  );
});
