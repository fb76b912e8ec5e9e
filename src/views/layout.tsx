import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { messages, type Locale } from '../lib/i18n';
import type { Actor } from '../env';
import { isBuyerKind } from '../db/schema';
import { assetUrl, Script, type AssetName } from './assets';
import { TabIcon, type TabName } from './tab-icons';

const t = messages({
  zh: {
    brand: '山海 · 消费帮扶',
    skip: '跳到正文',
    home: '首页',
    categories: '分类',
    catalog: '商品',
    counties: '产地',
    groupBuys: '团购',
    impact: '帮扶成效',
    cart: '购物车',
    mine: '我的',
    account: '我的账户',
    procurement: '机构采购',
    signIn: '登录',
    messages: '消息',
    unreadMessages: '条未读消息',
    admin: '管理后台',
    language: '语言',
    sections: '主要栏目',
    cartItems: '件商品',
    footer: '山海：上海对口帮扶地区的合作社直供上海的机关食堂、企业、社区展销馆与市民。',
  },
  en: {
    brand: 'Shanhai · Buy from paired counties',
    skip: 'Skip to content',
    home: 'Home',
    categories: 'Browse',
    catalog: 'Products',
    counties: 'Origins',
    groupBuys: 'Group buys',
    impact: 'Impact',
    cart: 'Cart',
    mine: 'Me',
    account: 'My account',
    procurement: 'Procurement',
    signIn: 'Sign in',
    messages: 'Messages',
    unreadMessages: 'unread messages',
    admin: 'Admin',
    language: 'Language',
    sections: 'Main sections',
    cartItems: 'items',
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
  /**
   * Products in the cart, when the page knows it (read from the cart-count cookie). Pages that do not
   * pass it still show it: js/shell.js fills the badge from the same cookie.
   */
  cartCount?: number;
  /** Pages with their own sticky action bar (product page) lift it above the tab bar. */
  bodyClass?: string;
  /** Page-specific stylesheets (static assets), linked in the head after the base one. */
  styles?: AssetName[];
};

export function switchLangHref(path: string, lang: Locale): string {
  const url = new URL(path, 'http://x');
  url.searchParams.set('lang', lang);
  return `${url.pathname}${url.search}`;
}

/** The tab a path belongs to, for aria-current in the bottom bar. */
function currentTab(pathname: string): TabName | null {
  if (pathname === '/') return 'home';
  if (pathname.startsWith('/products') || pathname.startsWith('/counties') || pathname.startsWith('/cooperatives')) return 'categories';
  if (pathname.startsWith('/group-buys') || pathname.startsWith('/g/')) return 'groupBuys';
  if (pathname.startsWith('/cart') || pathname.startsWith('/checkout')) return 'cart';
  if (pathname.startsWith('/account') || pathname.startsWith('/orders') || pathname.startsWith('/sign-in')) return 'mine';
  return null;
}

function CartCount({ count, label }: { count?: number; label: string }) {
  // Empty when unknown: the shell script fills it from the cookie; CSS hides it when empty or zero.
  return (
    <span class="count" data-cart-count data-n={count === undefined ? undefined : String(count)} aria-label={count ? `${count} ${label}` : undefined}>
      {count ? String(count) : ''}
    </span>
  );
}

function LanguageSwitch({ path, locale, label }: { path: string; locale: Locale; label: string }) {
  return (
    <span class="lang" role="group" aria-label={label}>
      <a href={switchLangHref(path, 'zh')} lang="zh-CN" aria-current={locale === 'zh' ? 'true' : undefined}>
        中文
      </a>
      <a href={switchLangHref(path, 'en')} lang="en" aria-current={locale === 'en' ? 'true' : undefined}>
        English
      </a>
    </span>
  );
}

/** Desktop: one top bar with every section. Hidden on phones, where the tab bar takes over. */
function TopNav({ actor, m, cartCount, unread }: { actor?: Actor | null; m: ReturnType<typeof t>; cartCount?: number; unread?: number }) {
  return (
    <nav class="top" aria-label={m.sections}>
      <a href="/products">{m.catalog}</a>
      <a href="/counties">{m.counties}</a>
      <a href="/group-buys">{m.groupBuys}</a>
      <a href="/impact">{m.impact}</a>
      <a href="/cart">
        {m.cart}
        <CartCount count={cartCount} label={m.cartItems} />
      </a>
      {actor?.memberships.some((x) => isBuyerKind(x.kind)) ? <a href="/procurement">{m.procurement}</a> : null}
      {actor ? <a href="/messages">{unread ? `${m.messages} (${unread})` : m.messages}</a> : null}
      {actor ? <a href="/account">{m.account}</a> : <a href="/sign-in">{m.signIn}</a>}
      {actor?.isAdmin ? <a href="/admin">{m.admin}</a> : null}
    </nav>
  );
}

/** Phone: the bottom tab bar 首页 / 分类 / 团购 / 购物车 / 我的, each a 60 px tall target. */
function TabBar({ actor, m, path, cartCount, unread }: { actor?: Actor | null; m: ReturnType<typeof t>; path: string; cartCount?: number; unread?: number }) {
  const active = currentTab(new URL(path, 'http://x').pathname);
  const tabs: { name: TabName; href: string; label: string }[] = [
    { name: 'home', href: '/', label: m.home },
    { name: 'categories', href: '/products', label: m.categories },
    { name: 'groupBuys', href: '/group-buys', label: m.groupBuys },
    { name: 'cart', href: '/cart', label: m.cart },
    { name: 'mine', href: actor ? '/account' : '/sign-in', label: m.mine },
  ];
  return (
    <nav class="tabs" aria-label={m.sections}>
      {tabs.map((tab) => (
        <a href={tab.href} aria-current={active === tab.name ? 'page' : undefined}>
          <TabIcon name={tab.name} />
          {tab.label}
          {tab.name === 'cart' ? <CartCount count={cartCount} label={m.cartItems} /> : null}
          {tab.name === 'mine' && unread ? (
            <span class="count" data-n={String(unread)} aria-label={`${unread} ${m.unreadMessages}`}>
              {String(unread)}
            </span>
          ) : null}
        </a>
      ))}
    </nav>
  );
}

export function Layout({ title, locale, path, actor, children, description, head, unread = actor?.unreadMessages, cartCount, bodyClass, styles = [] }: LayoutProps) {
  const m = t(locale);
  return (
    <>
    {raw('<!doctype html>')}
    <html lang={locale === 'en' ? 'en' : 'zh-CN'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <title>{`${title} · ${m.brand}`}</title>
        <meta name="description" content={description ?? m.footer} />
        <meta name="theme-color" content="#1d6b4f" />
        <link rel="icon" href={assetUrl('icons/favicon.svg')} type="image/svg+xml" />
        <link rel="stylesheet" href={assetUrl('css/base.css')} />
        {styles.map((name) => (
          <link rel="stylesheet" href={assetUrl(name)} />
        ))}
        {head ?? null}
        <Script name="js/shell.js" />
        <Script name="js/page-actions.js" />
      </head>
      <body class={bodyClass}>
        <a class="skip" href="#main">
          {m.skip}
        </a>
        <header class="site">
          <div class="bar">
            <a class="logo" href="/">
              {m.brand}
            </a>
            <TopNav actor={actor} m={m} cartCount={cartCount} unread={unread} />
            <LanguageSwitch path={path} locale={locale} label={m.language} />
          </div>
        </header>
        <main id="main">{children}</main>
        <footer class="site">{m.footer}</footer>
        <TabBar actor={actor} m={m} path={path} cartCount={cartCount} unread={unread} />
      </body>
    </html>
    </>
  );
}
