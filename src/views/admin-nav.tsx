import { messages, type Locale } from '../lib/i18n';

const t = messages({
  zh: {
    label: '管理后台导航',
    dashboard: '概览',
    organizations: '机构审核',
    payments: '收款对账',
    priceLists: '协议价',
    settlements: '结算',
    geography: '区县与结对',
    audit: '审计日志',
  },
  en: {
    label: 'Admin console',
    dashboard: 'Dashboard',
    organizations: 'Organisations',
    payments: 'Payments',
    priceLists: 'Negotiated prices',
    settlements: 'Settlements',
    geography: 'Districts & counties',
    audit: 'Audit log',
  },
});

const LINKS = [
  ['/admin', 'dashboard'],
  ['/admin/organizations', 'organizations'],
  ['/admin/payments', 'payments'],
  ['/admin/price-lists', 'priceLists'],
  ['/admin/settlements', 'settlements'],
  ['/admin/geography', 'geography'],
  ['/admin/audit', 'audit'],
] as const;

/**
 * The admin console's section links, shared by every /admin page. `current` is the request path; the
 * longest matching link is marked as the current page.
 *
 * @example <AdminNav locale={c.var.locale} current={c.req.path} />
 */
export function AdminNav({ locale, current }: { locale: Locale; current: string }) {
  const m = t(locale);
  const active = LINKS.filter(([href]) => current === href || current.startsWith(`${href}/`)).sort((a, b) => b[0].length - a[0].length)[0]?.[0];
  return (
    <nav class="row no-print" aria-label={m.label} style="margin-bottom:12px">
      {LINKS.map(([href, key]) => (
        <a href={href} class={href === active ? 'button' : 'button secondary'} aria-current={href === active ? 'page' : undefined}>
          {m[key]}
        </a>
      ))}
    </nav>
  );
}
