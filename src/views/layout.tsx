import type { Child } from 'hono/jsx';
import { messages, type Locale } from '../lib/i18n';
import type { Actor } from '../env';
import { isBuyerKind } from '../db/schema';
import { baseCss } from './styles';
import { Script } from './assets';

const t = messages({
  zh: {
    brand: '山海 · 消费帮扶',
    skip: '跳到正文',
    catalog: '商品',
    counties: '产地',
    groupBuys: '团购',
    impact: '帮扶成效',
    cart: '购物车',
    account: '我的账户',
    procurement: '机构采购',
    signIn: '登录',
    messages: '消息',
    admin: '管理后台',
    language: '语言',
    footer: '山海：上海对口帮扶地区的合作社直供上海的机关食堂、企业、社区展销馆与市民。',
  },
  en: {
    brand: 'Shanhai · Buy from paired counties',
    skip: 'Skip to content',
    catalog: 'Products',
    counties: 'Origins',
    groupBuys: 'Group buys',
    impact: 'Impact',
    cart: 'Cart',
    account: 'My account',
    procurement: 'Procurement',
    signIn: 'Sign in',
    messages: 'Messages',
    admin: 'Admin',
    language: 'Language',
    footer: "Shanhai: cooperatives in Shanghai's paired counties supplying Shanghai canteens, enterprises, showrooms and residents.",
  },
});

export type LayoutProps = {
  title: string;
  locale: Locale;
  /** Current path with query, so the language switch returns to the same page. */
  path: string;
  actor?: Actor | null;
  children?: Child;
  description?: string;
  /** Extra <head> content, e.g. a share page's Open Graph tags. */
  head?: Child;
  /** Unread inbox messages of the signed-in person; shown beside the 消息 link. */
  unread?: number;
};

export function switchLangHref(path: string, lang: Locale): string {
  const url = new URL(path, 'http://x');
  url.searchParams.set('lang', lang);
  return `${url.pathname}${url.search}`;
}

export function Layout({ title, locale, path, actor, children, description, head, unread = actor?.unreadMessages }: LayoutProps) {
  const m = t(locale);
  return (
    <html lang={locale === 'en' ? 'en' : 'zh-CN'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${m.brand}`}</title>
        {description ? <meta name="description" content={description} /> : null}
        {head ?? null}
        <style dangerouslySetInnerHTML={{ __html: baseCss }} />
        <Script name="js/page-actions.js" />
      </head>
      <body>
        <a class="skip" href="#main">
          {m.skip}
        </a>
        <header class="site">
          <div class="bar">
            <a class="logo" href="/">
              {m.brand}
            </a>
            <nav aria-label={m.brand}>
              <a href="/products">{m.catalog}</a>
              <a href="/counties">{m.counties}</a>
              <a href="/impact">{m.impact}</a>
              <a href="/cart">{m.cart}</a>
              {actor?.memberships.some((x) => isBuyerKind(x.kind)) ? <a href="/procurement">{m.procurement}</a> : null}
              {actor ? <a href="/messages">{unread ? `${m.messages} (${unread})` : m.messages}</a> : null}
              {actor ? <a href="/account">{m.account}</a> : <a href="/sign-in">{m.signIn}</a>}
              {actor?.isAdmin ? <a href="/admin">{m.admin}</a> : null}
              <span class="lang" role="group" aria-label={m.language}>
                <a href={switchLangHref(path, 'zh')} lang="zh-CN" aria-current={locale === 'zh' ? 'true' : undefined}>
                  中文
                </a>
                {' / '}
                <a href={switchLangHref(path, 'en')} lang="en" aria-current={locale === 'en' ? 'true' : undefined}>
                  English
                </a>
              </span>
            </nav>
          </div>
        </header>
        <main id="main">{children}</main>
        <footer class="site">{m.footer}</footer>
      </body>
    </html>
  );
}
