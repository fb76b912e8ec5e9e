import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { formatFen } from '../lib/money';
import { localized, type Locale } from '../lib/i18n';
import { Layout } from '../views/layout';
import { membershipOf } from '../accounts';
import { thumbnailUrl } from '../catalog';
import type { ProductCategory } from '../db/schema';
import { defaultOrderingOrganization } from './buyer';
import { cartOwner, mergeCartOnSignIn, rememberGuestCart } from './cart.cookie';
import { addToCart, cartCount, ensureCart, findCartId, quoteCart, removeFromCart, setCartQuantity } from './cart.service';
import { cartCountFromCookie, rememberCartCount } from '../views/cart-count';
import { refusalText } from './refusals';
import { fill, t, type OrderStrings } from './orders.i18n';
import type { Quote, QuoteGroup, QuoteLine } from '../pricing';
import { currentPath, Money, Notice } from '../views/kit';

/**
 * The cart. Form contract for product pages: `POST /cart/items` with `productId` and `quantity`
 * (form fields) adds to the cart and redirects to `/cart`. Quantities are kept orderable (minimum,
 * step); prices and totals are recomputed by the server on every change — a line's quantity is
 * changed with its own small form (no script needed).
 */
export const cartPages = new Hono<AppEnv>();

// '/cart/*' also matches '/cart' itself.
cartPages.use('/cart/*', mergeCartOnSignIn);

function intField(value: unknown, fallback: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : fallback;
}

cartPages.post('/cart/items', async (c) => {
  const form = await c.req.parseBody();
  const productId = typeof form.productId === 'string' ? form.productId.slice(0, 64) : '';
  const { cartId, created } = await ensureCart(c.var.db, cartOwner(c));
  if (created) rememberGuestCart(c, cartId);
  const change = await addToCart(c.var.db, cartId, productId, intField(form.quantity, 1));
  rememberCartCount(c, await cartCount(c.var.db, cartId));
  const query = change.ok ? `added=1${change.adjusted ? '&adjusted=1' : ''}` : `error=${change.reason}`;
  return c.redirect(`/cart?${query}`, 303);
});

cartPages.post('/cart/items/:productId', async (c) => {
  const cartId = await findCartId(c.var.db, cartOwner(c));
  if (cartId) {
    const form = await c.req.parseBody();
    const change = await setCartQuantity(c.var.db, cartId, c.req.param('productId'), intField(form.quantity, 0));
    if (change.ok && change.adjusted) return c.redirect('/cart?adjusted=1', 303);
  }
  return c.redirect('/cart', 303);
});

cartPages.post('/cart/items/:productId/remove', async (c) => {
  const cartId = await findCartId(c.var.db, cartOwner(c));
  if (cartId) {
    await removeFromCart(c.var.db, cartId, c.req.param('productId'));
    rememberCartCount(c, await cartCount(c.var.db, cartId));
  }
  return c.redirect('/cart', 303);
});

cartPages.get('/cart', async (c) => {
  const locale = c.var.locale;
  const m = t(locale);
  const cartId = await findCartId(c.var.db, cartOwner(c));
  // A buyer for one organisation sees its prices (negotiated ones included), as checkout will charge them.
  const pricedFor = defaultOrderingOrganization(c.var.actor);
  const quote = await quoteCart(c.var.db, cartId, 'ship', pricedFor);
  const error = c.req.query('error');
  // The tab bar's badge follows the cart as it really is (e.g. after signing in on another device).
  if (cartCountFromCookie(c) !== quote.items.length) rememberCartCount(c, quote.items.length);
  return c.html(
    <Layout title={m.cartTitle} locale={locale} path={currentPath(c.req.url)} actor={c.var.actor} cartCount={quote.items.length} styles={['css/cart.css']}>
      <h1>{m.cartTitle}</h1>
      {c.req.query('added') ? <Notice>{m.added}</Notice> : null}
      {c.req.query('adjusted') ? <Notice>{m.adjusted}</Notice> : null}
      {error ? <Notice kind="error">{refusalText({ rule: error === 'unavailable' ? 'unavailable' : 'unknown_product', message: '' }, locale)}</Notice> : null}
      {pricedFor && quote.items.length ? <p class="muted">{fill(m.pricesFor, { org: membershipOf(c.var.actor, pricedFor)?.organizationName ?? '' })}</p> : null}
      {quote.items.length === 0 ? (
        <div class="card stack">
          <p>{m.cartEmpty}</p>
          <p>
            <a class="button" href="/products">
              {m.browse}
            </a>
          </p>
        </div>
      ) : (
        <CartContents quote={quote} locale={locale} m={m} />
      )}
    </Layout>,
  );
});

function ruleText(line: QuoteLine, m: OrderStrings): string {
  const parts = [];
  if (line.minOrderQuantity > 1) parts.push(fill(m.minOrder, { n: line.minOrderQuantity }));
  if (line.orderStep > 1) parts.push(fill(m.step, { n: line.orderStep }));
  return parts.join(' · ');
}

export function shippingText(group: Pick<QuoteGroup, 'shippingFlatFeeFen' | 'freeShippingAboveFen'>, m: OrderStrings): string {
  if (group.shippingFlatFeeFen === 0) return m.shippingFree;
  if (group.freeShippingAboveFen === null) return fill(m.shippingFlat, { fee: formatFen(group.shippingFlatFeeFen) });
  return fill(m.shippingRule, { fee: formatFen(group.shippingFlatFeeFen), free: formatFen(group.freeShippingAboveFen) });
}


function CartContents({ quote, locale, m }: { quote: Quote & { items: { productId: string; quantity: number }[] }; locale: Locale; m: OrderStrings }) {
  const shortage = new Map(quote.shortages.map((s) => [s.productId, s.available]));
  const problemOf = new Map(quote.problems.map((p) => [p.productId, p]));
  const broken = quote.items.filter((i) => problemOf.has(i.productId));
  const blocked = quote.problems.length > 0 || quote.shortages.length > 0;
  return (
    <div class="stack">
      {quote.groups.map((group) => (
        <section class="card" aria-labelledby={`coop-${group.cooperativeId}`}>
          <h2 id={`coop-${group.cooperativeId}`}>
            {locale === 'en' && group.cooperativeNameEn ? group.cooperativeNameEn : group.cooperativeName}
          </h2>
          <p class="muted">{shippingText(group, m)}</p>
          <ul class="cart-lines">
            {group.lines.map((line) => (
              <li class="cart-line" data-product-id={line.productId}>
                <div class="cart-name">
                  <img class="thumb" src={thumbnailUrl({ imageKey: line.imageKey, category: line.category as ProductCategory })} alt="" width={56} height={56} loading="lazy" />
                  <div>
                    <a href={`/products/${line.productId}`}>{localized(line, 'name', locale)}</a>
                    <div class="muted">{[localized(line, 'spec', locale), ruleText(line, m)].filter(Boolean).join(' · ')}</div>
                    {shortage.has(line.productId) ? <div class="error">{fill(m.onlyLeft, { n: shortage.get(line.productId)! })}</div> : null}
                  </div>
                </div>
                <div>
                  <Money fen={line.unitPriceFen} /> / {localized(line, 'unit', locale)}{' '}
                  {line.priceSource === 'tier' ? <span class="badge">{m.tierPrice}</span> : null}
                  {line.priceSource === 'negotiated' ? <span class="badge">{m.negotiatedPrice}</span> : null}
                </div>
                <div class="cart-total">
                  <Money fen={line.lineTotalFen} />
                </div>
                <div class="row cart-actions">
                  <form method="post" action={`/cart/items/${line.productId}`} class="inline">
                    <input
                      type="number"
                      name="quantity"
                      value={String(line.quantity)}
                      min={String(line.minOrderQuantity)}
                      step={String(line.orderStep)}
                      inputmode="numeric"
                      aria-label={`${m.quantity}: ${localized(line, 'name', locale)}`}
                      style="width:6em"
                    />
                    <button type="submit" class="secondary">
                      {m.update}
                    </button>
                  </form>
                  <form method="post" action={`/cart/items/${line.productId}/remove`}>
                    <button type="submit" class="secondary">
                      {m.remove}
                    </button>
                  </form>
                </div>
              </li>
            ))}
          </ul>
          <p>
            {m.subtotal}: <Money fen={group.subtotalFen} /> · {m.shipping}: <Money fen={group.shippingFen} />
          </p>
        </section>
      ))}
      {broken.length ? (
        <section class="card">
          {broken.map((item) => {
            const problem = problemOf.get(item.productId)!;
            return (
              <div class="row">
                <span class="error">{refusalText(problem, locale, { min: problem.minOrderQuantity, step: problem.orderStep })}</span>
                <form method="post" action={`/cart/items/${item.productId}/remove`}>
                  <button type="submit" class="secondary">
                    {m.remove}
                  </button>
                </form>
              </div>
            );
          })}
        </section>
      ) : null}
      <section class="card" aria-live="polite">
        <dl class="facts">
          <dt>{m.subtotal}</dt>
          <dd>
            <Money fen={quote.subtotalFen} />
          </dd>
          <dt>{m.shippingIfDelivered}</dt>
          <dd>
            <Money fen={quote.shippingFen} />
          </dd>
          <dt>{m.total}</dt>
          <dd>
            <strong>
              <Money fen={quote.totalFen} />
            </strong>
          </dd>
        </dl>
        {blocked ? <Notice kind="error">{m.fixCart}</Notice> : null}
        <p>
          {blocked ? (
            <span class="button secondary" aria-disabled="true">
              {m.checkout}
            </span>
          ) : (
            <a class="button" href="/checkout">
              {m.checkout}
            </a>
          )}
        </p>
      </section>
    </div>
  );
}
