import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { Actor, AppEnv, Membership } from '../env';
import { AppError } from '../lib/errors';
import { messages, type Locale } from '../lib/i18n';
import { shanghaiDateTime } from '../lib/time';
import { Layout } from './layout';
import { currentPath as pathOf } from './kit';

/** Shared pieces of the cooperative portal pages: who is acting for which cooperative, nav, notices. */
export const portalText = messages({
  zh: {
    portal: '合作社工作台',
    dashboard: '概览',
    products: '商品',
    importCsv: '批量导入',
    shipments: '发货',
    settlements: '结算单',
    standingDemand: '定期需求',
    chooseCoop: '选择合作社',
    chooseCoopHint: '您在多个合作社任职，请选择要管理的合作社：',
    noCoop: '您的账号还没有加入任何合作社。请联系合作社负责人邀请您，或联系平台。',
    awaiting: '本合作社正在等待平台审核。审核通过前可以准备商品草稿，但不能上架销售。',
    saved: '已保存',
    back: '返回',
    verified: '已认证',
    pending: '待审核',
    suspended: '已暂停',
  },
  en: {
    portal: 'Cooperative portal',
    dashboard: 'Overview',
    products: 'Products',
    importCsv: 'Import',
    shipments: 'Shipments',
    settlements: 'Statements',
    standingDemand: 'Standing demand',
    chooseCoop: 'Choose a cooperative',
    chooseCoopHint: 'You work for several cooperatives. Which one do you want to manage?',
    noCoop: 'Your account is not a member of any cooperative yet. Ask your cooperative to invite you, or contact the platform.',
    awaiting: 'This cooperative is awaiting verification by the platform. You can prepare product drafts, but cannot publish them until it is verified.',
    saved: 'Saved',
    back: 'Back',
    verified: 'Verified',
    pending: 'Awaiting verification',
    suspended: 'Suspended',
  },
});

/** The current path and query, for the language switch and sign-in return. */
export function currentPath(c: Context<AppEnv>): string {
  return pathOf(c.req.url);
}

/** Sends a guest to sign in and back here afterwards. */
export function signInRedirect(c: Context<AppEnv>) {
  return c.redirect(`/sign-in?next=${encodeURIComponent(currentPath(c))}`, 303);
}

export type PortalContext = { actor: Actor; locale: Locale; coops: Membership[]; coop: Membership | null };

/**
 * The signed-in actor and the cooperative the page acts for: `?coop=` when the actor staffs it,
 * otherwise their only cooperative; null when they must choose (or staff none).
 */
export function portalContext(c: Context<AppEnv>): PortalContext | null {
  const actor = c.var.actor;
  if (!actor) return null;
  const coops = actor.memberships.filter((m) => m.kind === 'cooperative' && (m.role === 'owner' || m.role === 'staff'));
  const requested = c.req.query('coop');
  const coop = coops.find((m) => m.organizationId === requested) ?? (coops.length === 1 ? coops[0]! : null);
  return { actor, locale: c.var.locale, coops, coop };
}

/** `href` with the cooperative carried along, so links keep acting for the same one. */
export function withCoop(href: string, coop: Membership | null): string {
  if (!coop) return href;
  return `${href}${href.includes('?') ? '&' : '?'}coop=${encodeURIComponent(coop.organizationId)}`;
}

export function PortalNav({ ctx, current }: { ctx: PortalContext; current: string }) {
  const m = portalText(ctx.locale);
  const links: [string, string][] = [
    ['/portal', m.dashboard],
    ['/portal/products', m.products],
    ['/portal/import', m.importCsv],
    ['/portal/shipments', m.shipments],
    ['/portal/settlements', m.settlements],
    ['/portal/standing-demand', m.standingDemand],
  ];
  return (
    <nav class="row no-print portal-nav" aria-label={m.portal}>
      {links.map(([href, label]) => (
        <a href={withCoop(href, ctx.coop)} aria-current={current === href ? 'page' : undefined} class={current === href ? 'button' : 'button secondary'}>
          {label}
        </a>
      ))}
    </nav>
  );
}

export function StatusNotice({ ctx }: { ctx: PortalContext }) {
  if (!ctx.coop || ctx.coop.status === 'verified') return null;
  return (
    <p class="notice" role="status">
      {portalText(ctx.locale).awaiting}
    </p>
  );
}

/** Layout of every portal page: heading with the cooperative's name, nav, verification notice. */
export function PortalPage(props: { c: Context<AppEnv>; ctx: PortalContext; title: string; current: string; children?: Child; flash?: string | null; error?: string | null }) {
  const { ctx } = props;
  return (
    <Layout title={props.title} locale={ctx.locale} path={currentPath(props.c)} actor={ctx.actor}>
      <p class="muted">
        {portalText(ctx.locale).portal}
        {ctx.coop ? ` · ${ctx.coop.organizationName}` : ''}
      </p>
      <h1>{props.title}</h1>
      <PortalNav ctx={ctx} current={props.current} />
      <StatusNotice ctx={ctx} />
      {props.flash ? (
        <p class="notice" role="status">
          {props.flash}
        </p>
      ) : null}
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      <div class="stack">{props.children}</div>
    </Layout>
  );
}

/** The chooser shown when the actor staffs several cooperatives (or none). */
export function CoopChooser({ c, ctx, target }: { c: Context<AppEnv>; ctx: PortalContext; target: string }) {
  const m = portalText(ctx.locale);
  return (
    <Layout title={m.chooseCoop} locale={ctx.locale} path={currentPath(c)} actor={ctx.actor}>
      <h1>{m.chooseCoop}</h1>
      {ctx.coops.length === 0 ? (
        <p class="notice">{m.noCoop}</p>
      ) : (
        <>
          <p>{m.chooseCoopHint}</p>
          <ul class="stack">
            {ctx.coops.map((coop) => (
              <li>
                <a class="button secondary" href={withCoop(target, coop)}>
                  {coop.organizationName}
                </a>{' '}
                <span class={coop.status === 'verified' ? 'badge' : 'badge warn'}>{m[coop.status]}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </Layout>
  );
}

/** A user-facing message for a failed action: our own problem detail, or a generic line. */
export function errorMessage(error: unknown): string {
  if (error instanceof AppError) {
    const fields = error.errors?.map((e) => `${e.path}: ${e.message}`).join('; ');
    return fields ? `${error.message} — ${fields}` : error.message;
  }
  throw error;
}

/** 'YYYY-MM-DD HH:mm' in Shanghai time. */
export function shanghaiTime(ms: number | null | undefined): string {
  if (!ms) return '—';
  return shanghaiDateTime(ms);
}

/** Reads a form once for a page POST. */
export async function formOf(c: Context<AppEnv>): Promise<Record<string, string | File>> {
  return (await c.req.parseBody()) as Record<string, string | File>;
}

export function field(form: Record<string, string | File>, name: string): string {
  const value = form[name];
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * Wraps a page handler so refusals from the policy and services (404 for another cooperative's
 * resource, 403 awaiting verification, …) render as an HTML page with the same status, not JSON.
 */
export function page(handler: (c: Context<AppEnv>) => Promise<Response> | Response) {
  return async (c: Context<AppEnv>) => {
    try {
      return await handler(c);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.status === 401) return signInRedirect(c);
      const locale = c.var.locale;
      return c.html(
        <Layout title={String(error.status)} locale={locale} path={currentPath(c)} actor={c.var.actor}>
          <h1>{error.status === 404 ? (locale === 'en' ? 'Not found' : '未找到') : locale === 'en' ? 'Not possible' : '无法操作'}</h1>
          <p class="error" role="alert">
            {errorMessage(error)}
          </p>
          <p>
            <a href="/portal">{portalText(locale).portal}</a>
          </p>
        </Layout>,
        error.status as 403,
      );
    }
  };
}
