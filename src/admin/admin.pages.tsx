import { Hono, type Context } from 'hono';
import type { z } from '@hono/zod-openapi';
import type { Child } from 'hono/jsx';
import { PAIRING_KINDS } from '../db/schema';
import type { AppEnv } from '../env';
import { AppError, fieldErrors, type FieldError } from '../lib/errors';
import { messages, type Locale } from '../lib/i18n';
import { formatFen } from '../lib/money';
import { AdminNav } from '../views/admin-nav';
import { Layout } from '../views/layout';
import { adminPagesOnly } from './admin-access';
import { auditQuerySchema, countyInputSchema, countyPatchSchema, districtInputSchema, districtPatchSchema } from './admin.routes';
import { listAudit, type AuditItem } from './audit.service';
import { adminDashboard, type AdminDashboard } from './dashboard.service';
import * as geography from './geography.service';

const t = messages({
  zh: {
    dashboard: '管理后台',
    todaysOrders: '今日订单',
    paymentsAwaiting: '待确认收款（对公转账 / 自提付款）',
    overdueInvoices: '逾期未付发票',
    closingToday: '今日截止的团购',
    lateShipments: '延迟发货 / 未送达',
    lateRule: '已放行的发货单：下单后 2 天仍未发货，或发货后 7 天仍未送达。',
    none: '暂无。',
    total: '合计',
    review: '去处理',
    geography: '区县与结对管理',
    geographyIntro: '修改名称、把区县调整到另一个上海结对区、更改结对类型，或新增区县。调整结对区后，该县合作社和帮扶成效的历史数据将一并归入新的结对区。',
    district: '上海结对区',
    county: '区县',
    nameZh: '中文名称',
    nameEn: '英文名称',
    sortOrder: '排序',
    prefectureZh: '所属州市（中文）',
    prefectureEn: '所属州市（英文）',
    provinceZh: '省区（中文）',
    provinceEn: '省区（英文）',
    pairingKind: '结对类型',
    'collaboration': '东西部扶贫协作',
    'counterpart-support': '对口支援',
    cityWide: '上海市（全市统筹）',
    save: '保存',
    addCounty: '新增区县',
    addDistrict: '新增上海区',
    id: '编号（英文小写，如 lancang）',
    saved: '已保存：',
    invalid: '未保存：',
    audit: '审计日志',
    actor: '操作人',
    action: '操作',
    entityType: '对象类型',
    entityId: '对象编号',
    from: '开始日期',
    to: '结束日期',
    filter: '筛选',
    when: '时间',
    change: '变更',
    next: '下一页',
    first: '第一页',
    amount: '金额',
    status: '状态',
    method: '方式',
    due: '到期',
    closes: '截止',
    participants: '参团人数',
    cooperative: '合作社',
    since: '时间',
    buyer: '买方',
  },
  en: {
    dashboard: 'Admin console',
    todaysOrders: "Today's orders",
    paymentsAwaiting: 'Payments awaiting confirmation (bank transfer / pay at pickup)',
    overdueInvoices: 'Overdue invoices',
    closingToday: 'Group buys closing today',
    lateShipments: 'Late shipments',
    lateRule: 'Released shipments not shipped 2 days after the order, or not delivered 7 days after shipping.',
    none: 'Nothing.',
    total: 'Total',
    review: 'Review',
    geography: 'Districts, counties and pairings',
    geographyIntro: "Edit names, move a county to another Shanghai district, change its pairing kind, or add a county. Moving a county moves its cooperatives and its impact history to the new district.",
    district: 'Shanghai district',
    county: 'County',
    nameZh: 'Chinese name',
    nameEn: 'English name',
    sortOrder: 'Order',
    prefectureZh: 'Prefecture (Chinese)',
    prefectureEn: 'Prefecture (English)',
    provinceZh: 'Province (Chinese)',
    provinceEn: 'Province (English)',
    pairingKind: 'Pairing kind',
    'collaboration': 'East–west collaboration',
    'counterpart-support': 'Counterpart support',
    cityWide: 'Shanghai (city-wide)',
    save: 'Save',
    addCounty: 'Add a county',
    addDistrict: 'Add a district',
    id: 'Id (lower-case, e.g. lancang)',
    saved: 'Saved:',
    invalid: 'Not saved:',
    audit: 'Audit log',
    actor: 'Actor',
    action: 'Action',
    entityType: 'Entity type',
    entityId: 'Entity id',
    from: 'From',
    to: 'To',
    filter: 'Filter',
    when: 'When',
    change: 'Change',
    next: 'Next page',
    first: 'First page',
    amount: 'Amount',
    status: 'Status',
    method: 'Method',
    due: 'Due',
    closes: 'Closes',
    participants: 'Participants',
    cooperative: 'Cooperative',
    since: 'Since',
    buyer: 'Buyer',
  },
});

type M = ReturnType<typeof t>;

/** 'YYYY-MM-DD HH:mm' in Shanghai. */
const shanghaiTime = (ms: number | null) => (ms === null ? '—' : new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' '));

const currentPath = (c: Context<AppEnv>) => {
  const url = new URL(c.req.url);
  return `${url.pathname}${url.search}`;
};

function AdminPage({ c, title, children, status }: { c: Context<AppEnv>; title: string; children: Child; status?: 200 | 400 | 404 | 409 }) {
  return c.html(
    <Layout title={title} locale={c.var.locale} path={currentPath(c)} actor={c.var.actor}>
      <AdminNav locale={c.var.locale} current={new URL(c.req.url).pathname} />
      {children}
    </Layout>,
    status ?? 200,
  );
}

function Errors({ errors, m }: { errors: FieldError[]; m: M }) {
  if (!errors.length) return null;
  return (
    <div class="error" role="alert">
      {m.invalid}
      <ul>
        {errors.map((e) => (
          <li>
            {e.path.replace(/^(body|query)\./, '')}: {e.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Section({ id, heading, count, children, link, m }: { id: string; heading: string; count: number; children: Child; link?: string; m: M }) {
  return (
    <section class="card stack" aria-labelledby={id} data-section={id}>
      <h2 id={id}>
        {heading} <span class={count ? 'badge warn' : 'badge'} data-count={count}>{count}</span>
      </h2>
      {count ? children : <p class="muted">{m.none}</p>}
      {link && count ? (
        <p>
          <a href={link}>{m.review} →</a>
        </p>
      ) : null}
    </section>
  );
}

function Dashboard({ d, m }: { d: AdminDashboard; m: M }) {
  return (
    <>
      <h1>
        {m.dashboard} <small class="muted">{d.today}</small>
      </h1>
      <div class="stack">
        <Section id="todays-orders" heading={m.todaysOrders} count={d.todaysOrders.count} m={m}>
          <p>
            {m.total}: <strong>{formatFen(d.todaysOrders.totalFen)}</strong>
          </p>
          <div class="table-wrap">
            <table>
              <tbody>
                {d.todaysOrders.items.map((o) => (
                  <tr>
                    <td>
                      <code>{o.id}</code>
                    </td>
                    <td>{shanghaiTime(o.createdAt)}</td>
                    <td>{o.contactName}</td>
                    <td>
                      <span class="badge">{o.status}</span> {o.paymentMethod}
                    </td>
                    <td>{formatFen(o.totalFen)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
        <Section id="payments-awaiting" heading={m.paymentsAwaiting} count={d.paymentsAwaiting.count} link="/admin/payments" m={m}>
          <div class="table-wrap">
            <table>
              <tbody>
                {d.paymentsAwaiting.items.map((p) => (
                  <tr>
                    <td>
                      <code>{p.id}</code>
                    </td>
                    <td>{p.method}</td>
                    <td>{p.orderId ?? p.participantId}</td>
                    <td>{shanghaiTime(p.createdAt)}</td>
                    <td>{formatFen(p.amountFen)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
        <Section id="overdue-invoices" heading={m.overdueInvoices} count={d.overdueInvoices.count} link="/admin/payments" m={m}>
          <div class="table-wrap">
            <table>
              <tbody>
                {d.overdueInvoices.items.map((o) => (
                  <tr>
                    <td>
                      <code>{o.id}</code>
                    </td>
                    <td>{o.organizationName ?? '—'}</td>
                    <td>
                      {m.due} {shanghaiTime(o.invoiceDueAt)}
                    </td>
                    <td>{formatFen(o.totalFen)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
        <Section id="closing-today" heading={m.closingToday} count={d.groupBuysClosingToday.count} m={m}>
          <div class="table-wrap">
            <table>
              <tbody>
                {d.groupBuysClosingToday.items.map((g) => (
                  <tr>
                    <td>
                      <a href={`/g/${g.shortCode}`}>{g.title}</a>
                    </td>
                    <td>
                      {m.closes} {shanghaiTime(g.closesAt)}
                    </td>
                    <td>
                      {m.participants} {g.participantsCount}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
        <Section id="late-shipments" heading={m.lateShipments} count={d.lateShipments.count} m={m}>
          <p class="muted">{m.lateRule}</p>
          <div class="table-wrap">
            <table>
              <tbody>
                {d.lateShipments.items.map((s) => (
                  <tr>
                    <td>
                      <code>{s.id}</code>
                    </td>
                    <td>{s.cooperativeName}</td>
                    <td>
                      <span class="badge bad">{s.status}</span>
                    </td>
                    <td>{shanghaiTime(s.status === 'shipped' ? s.shippedAt : s.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
      </div>
    </>
  );
}

/** Form fields arrive as strings: empty optional fields are dropped, numbers and nulls restored. */
function formToInput(form: Record<string, unknown>, kind: 'district' | 'county'): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(form)) {
    if (typeof value !== 'string') continue;
    if (kind === 'county' && key === 'districtId') input[key] = value === '' ? null : value;
    else if (key === 'sortOrder') input[key] = value === '' ? undefined : Number(value);
    else if (value !== '') input[key] = value;
  }
  return input;
}

/** A labelled text input; `idPrefix` keeps the ids unique when a page holds many forms. */
function Field({ name, label, value, required, idPrefix, size }: { name: string; label: string; value?: string | number | null; required?: boolean; idPrefix: string; size?: number }) {
  const id = `${idPrefix}-${name}`;
  return (
    <div>
      <label for={id}>{label}</label>
      <input id={id} name={name} value={value ?? ''} required={required} size={size} />
    </div>
  );
}

function DistrictSelect({ districts, selected, locale, m, id }: { districts: geography.District[]; selected: string | null; locale: Locale; m: M; id: string }) {
  return (
    <div>
      <label for={id}>{m.district}</label>
      <select id={id} name="districtId">
        {districts.map((d) => (
          <option value={d.id} selected={selected === d.id}>
            {locale === 'en' ? d.nameEn : d.nameZh}
          </option>
        ))}
        <option value="" selected={selected === null}>
          {m.cityWide}
        </option>
      </select>
    </div>
  );
}

function PairingSelect({ selected, m, id }: { selected: string; m: M; id: string }) {
  return (
    <div>
      <label for={id}>{m.pairingKind}</label>
      <select id={id} name="pairingKind">
        {PAIRING_KINDS.map((kind) => (
          <option value={kind} selected={selected === kind}>
            {m[kind]}
          </option>
        ))}
      </select>
    </div>
  );
}

function Geography({ data, m, locale, saved, errors }: { data: Awaited<ReturnType<typeof geography.listGeography>>; m: M; locale: Locale; saved?: string; errors: FieldError[] }) {
  const groups = [...data.districts.map((d) => ({ district: d as geography.District | null, id: d.id as string | null })), { district: null, id: null }];
  return (
    <>
      <h1>{m.geography}</h1>
      <p class="muted">{m.geographyIntro}</p>
      {saved ? (
        <p class="notice" role="status">
          {m.saved} {saved}
        </p>
      ) : null}
      <Errors errors={errors} m={m} />
      {groups.map(({ district, id }) => {
        const members = data.counties.filter((c) => c.districtId === id);
        if (!district && members.length === 0) return null;
        return (
          <section class="card stack" aria-label={district ? (locale === 'en' ? district.nameEn : district.nameZh) : m.cityWide} data-district={id ?? ''}>
            {district ? (
              <form class="inline" method="post" action={`/admin/geography/districts/${district.id}`}>
                <Field name="nameZh" label={m.nameZh} value={district.nameZh} required idPrefix={`d-${district.id}`} />
                <Field name="nameEn" label={m.nameEn} value={district.nameEn} required idPrefix={`d-${district.id}`} />
                <Field name="sortOrder" label={m.sortOrder} value={district.sortOrder} size={4} idPrefix={`d-${district.id}`} />
                <button type="submit">{m.save}</button>
              </form>
            ) : (
              <h2>{m.cityWide}</h2>
            )}
            {members.map((county) => (
              <form class="inline county" method="post" action={`/admin/geography/counties/${county.id}`} data-county={county.id}>
                <Field name="nameZh" label={m.nameZh} value={county.nameZh} required idPrefix={`c-${county.id}`} size={10} />
                <Field name="nameEn" label={m.nameEn} value={county.nameEn} required idPrefix={`c-${county.id}`} size={16} />
                <DistrictSelect districts={data.districts} selected={county.districtId} locale={locale} m={m} id={`c-${county.id}-district`} />
                <PairingSelect selected={county.pairingKind} m={m} id={`c-${county.id}-kind`} />
                <button type="submit" class="secondary">
                  {m.save}
                </button>
              </form>
            ))}
          </section>
        );
      })}
      <section class="card stack" aria-labelledby="add-county">
        <h2 id="add-county">{m.addCounty}</h2>
        <form class="inline" method="post" action="/admin/geography/counties">
          <Field name="id" label={m.id} required idPrefix="new-county" />
          <Field name="nameZh" label={m.nameZh} required idPrefix="new-county" />
          <Field name="nameEn" label={m.nameEn} required idPrefix="new-county" />
          <Field name="prefectureZh" label={m.prefectureZh} required idPrefix="new-county" />
          <Field name="prefectureEn" label={m.prefectureEn} required idPrefix="new-county" />
          <Field name="provinceZh" label={m.provinceZh} required idPrefix="new-county" />
          <Field name="provinceEn" label={m.provinceEn} required idPrefix="new-county" />
          <DistrictSelect districts={data.districts} selected={data.districts[0]?.id ?? null} locale={locale} m={m} id="new-county-district" />
          <PairingSelect selected="collaboration" m={m} id="new-county-kind" />
          <button type="submit">{m.addCounty}</button>
        </form>
      </section>
      <section class="card stack" aria-labelledby="add-district">
        <h2 id="add-district">{m.addDistrict}</h2>
        <form class="inline" method="post" action="/admin/geography/districts">
          <Field name="id" label={m.id} required idPrefix="new-district" />
          <Field name="nameZh" label={m.nameZh} required idPrefix="new-district" />
          <Field name="nameEn" label={m.nameEn} required idPrefix="new-district" />
          <button type="submit">{m.addDistrict}</button>
        </form>
      </section>
    </>
  );
}

function AuditLog({ items, nextCursor, filter, errors, m }: { items: AuditItem[]; nextCursor: string | null; filter: Record<string, string>; errors: FieldError[]; m: M }) {
  const next = new URLSearchParams(filter);
  if (nextCursor) next.set('cursor', nextCursor);
  const first = new URLSearchParams(filter);
  first.delete('cursor');
  return (
    <>
      <h1>{m.audit}</h1>
      <form class="inline" method="get" action="/admin/audit" aria-label={m.filter}>
        <Field name="actor" label={m.actor} value={filter.actor} idPrefix="audit" />
        <Field name="action" label={m.action} value={filter.action} idPrefix="audit" />
        <Field name="entityType" label={m.entityType} value={filter.entityType} idPrefix="audit" size={10} />
        <Field name="entityId" label={m.entityId} value={filter.entityId} idPrefix="audit" />
        <div>
          <label for="audit-from">{m.from}</label>
          <input id="audit-from" type="date" name="from" value={filter.from ?? ''} />
        </div>
        <div>
          <label for="audit-to">{m.to}</label>
          <input id="audit-to" type="date" name="to" value={filter.to ?? ''} />
        </div>
        <button type="submit">{m.filter}</button>
      </form>
      <Errors errors={errors} m={m} />
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{m.when}</th>
              <th scope="col">{m.actor}</th>
              <th scope="col">{m.action}</th>
              <th scope="col">{m.entityType}</th>
              <th scope="col">{m.change}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr data-audit={item.id}>
                <td>{shanghaiTime(item.createdAt)}</td>
                <td>{item.actorLabel ?? item.actorUserId ?? 'system'}</td>
                <td>
                  <code>{item.action}</code>
                </td>
                <td>
                  {item.entityType} <code>{item.entityId}</code>
                </td>
                <td>
                  <details>
                    <summary>{m.change}</summary>
                    <pre style="white-space:pre-wrap;max-width:40em">{JSON.stringify({ before: item.before, after: item.after }, null, 1)}</pre>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {items.length === 0 ? <p class="muted">{m.none}</p> : null}
      <nav class="pager">
        {filter.cursor ? <a href={`/admin/audit?${first}`}>{m.first}</a> : null}
        {nextCursor ? (
          <a href={`/admin/audit?${next}`} rel="next">
            {m.next} →
          </a>
        ) : null}
      </nav>
    </>
  );
}

async function renderGeography(c: Context<AppEnv>, options: { saved?: string; errors?: FieldError[]; status?: 200 | 400 | 404 | 409 } = {}) {
  const m = t(c.var.locale);
  const data = await geography.listGeography(c.var.db);
  return AdminPage({
    c,
    title: m.geography,
    status: options.status,
    children: <Geography data={data} m={m} locale={c.var.locale} saved={options.saved} errors={options.errors ?? []} />,
  });
}

/**
 * Runs a geography change from a form: validates with the API's own schema, calls the service,
 * then redirects back (303) or shows the problem on the page.
 */
async function geographyForm<S extends z.ZodTypeAny>(
  c: Context<AppEnv>,
  kind: 'district' | 'county',
  schema: S,
  apply: (input: z.infer<S>) => Promise<{ id: string }>,
) {
  const input = formToInput(await c.req.parseBody(), kind);
  const parsed = schema.safeParse(input);
  if (!parsed.success) return renderGeography(c, { errors: fieldErrors(parsed.error, 'body'), status: 400 });
  try {
    const saved = await apply(parsed.data);
    return c.redirect(`/admin/geography?saved=${encodeURIComponent(saved.id)}`, 303);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const status = error.status === 404 || error.status === 409 ? error.status : 400;
    return renderGeography(c, { errors: error.errors ?? [{ path: kind, message: error.message }], status });
  }
}

/** The admin console pages built here; /admin/organizations, /payments and /settlements live with their domains. */
export const adminPages = new Hono<AppEnv>()
  .get('/admin', adminPagesOnly, async (c) => {
    const m = t(c.var.locale);
    return AdminPage({ c, title: m.dashboard, children: <Dashboard d={await adminDashboard(c.var.db)} m={m} /> });
  })
  .get('/admin/geography', adminPagesOnly, (c) => renderGeography(c, { saved: c.req.query('saved') }))
  .post('/admin/geography/districts', adminPagesOnly, (c) =>
    geographyForm(c, 'district', districtInputSchema, (input) => geography.createDistrict(c.var.db, c.var.actor!, input)),
  )
  .post('/admin/geography/districts/:id', adminPagesOnly, (c) =>
    geographyForm(c, 'district', districtPatchSchema, (patch) => geography.updateDistrict(c.var.db, c.var.actor!, c.req.param('id'), patch)),
  )
  .post('/admin/geography/counties', adminPagesOnly, (c) =>
    geographyForm(c, 'county', countyInputSchema, (input) => geography.createCounty(c.var.db, c.var.actor!, input)),
  )
  .post('/admin/geography/counties/:id', adminPagesOnly, (c) =>
    geographyForm(c, 'county', countyPatchSchema, (patch) => geography.updateCounty(c.var.db, c.var.actor!, c.req.param('id'), patch)),
  )
  .get('/admin/audit', adminPagesOnly, async (c) => {
    const m = t(c.var.locale);
    const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([key, value]) => value !== '' && key !== 'lang'));
    const parsed = auditQuerySchema.safeParse(raw);
    let errors: FieldError[] = parsed.success ? [] : fieldErrors(parsed.error, 'query');
    let page: Awaited<ReturnType<typeof listAudit>> = { items: [], nextCursor: null };
    if (parsed.success) {
      try {
        page = await listAudit(c.var.db, parsed.data, { limit: parsed.data.limit, cursor: parsed.data.cursor });
      } catch (error) {
        if (!(error instanceof AppError) || !error.errors) throw error;
        errors = error.errors;
      }
    }
    return AdminPage({
      c,
      title: m.audit,
      status: errors.length ? 400 : 200,
      children: <AuditLog items={page.items} nextCursor={page.nextCursor} filter={raw} errors={errors} m={m} />,
    });
  });
