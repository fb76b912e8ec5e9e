import { messages, type Locale } from '../lib/i18n';

const t = messages({
  zh: {
    label: '管理后台',
    dashboard: '概览',
    organizations: '机构审核',
    payments: '收款与退款',
    settlements: '结算',
    geography: '区县与结对',
    audit: '审计日志',
  },
  en: {
    label: 'Admin console',
    dashboard: 'Dashboard',
    organizations: 'Organisations',
    payments: 'Payments',
    settlements: 'Settlements',
    geography: 'Districts & counties',
    audit: 'Audit log',
  },
});

const LINKS = [
  ['/admin', 'dashboard'],
  ['/admin/organizations', 'organizations'],
  ['/admin/payments', 'payments'],
  ['/admin/settlements', 'settlements'],
  ['/admin/geography', 'geography'],
  ['/admin/audit', 'audit'],
] as const;

/** The admin console's section links; `path` marks the current one. */
export function AdminNav({ locale, path }: { locale: Locale; path: string }) {
  const m = t(locale);
  return (
    <nav class="admin-nav row" aria-label={m.label}>
      {LINKS.map(([href, key]) => (
        <a href={href} class="button secondary" aria-current={path === href ? 'page' : undefined}>
          {m[key]}
        </a>
      ))}
    </nav>
  );
}
