import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env';
import { AppError, type FieldError } from '../lib/errors';
import { parseForm } from '../lib/form-errors';
import { localized } from '../lib/i18n';
import { Layout } from '../views/layout';
import { Script } from '../views/assets';
import { cartCountFromCookie } from '../views/cart-count';
import { arrivalFromSession, getStripe, providersAvailable, SESSION_EXPAND, subjectOf } from '../payments';
import { quoteItems, type Quote } from '../pricing';
import { cartOwner, mergeCartOnSignIn } from './cart.cookie';
import { findCartId, quoteCart } from './cart.service';
import { blankForm, buyNowItem, checkoutOptions, readForm, toOrderRequest, type CheckoutForm } from './checkout.form';
import { rememberedBuyer, rememberGuestBuyer } from './checkout.prefill';
import { ContactFieldset, DeliveryFieldset, ErrorSummary, OrderLines, OrganizationChoice, PaymentFieldset, Totals } from './checkout.views';
import { loadOrder, orderPageUrl } from './order-read';
import { fill, t } from './orders.i18n';
import { createOrderSchema } from './orders.schemas';
import { placeOrder } from './orders.service';
import { orderAccess } from './policy';
import { currentPath, MessagePage, Money, Notice } from '../views/kit';

/**
 * Checkout: delivery to a Shanghai address or pickup at a verified showroom, contact, and the payment
 * methods this buyer may use (saying plainly when card, Alipay and WeChat Pay are unavailable). The form
 * posts to the same `placeOrder` service as the API, with a per-render Idempotency-Key so a double
 * submit places one order. Two sources of items: the cart, or one product bought at once from its page
 * (立即购买: `GET /checkout?productId=&quantity=`, the cart left as it is). A returning buyer finds their
 * last contact and delivery filled in (checkout.prefill.ts). js/checkout.js shows only the chosen delivery's
 * fields and updates the shipping fee and total without a reload; without it, the form works the same.
 */
export const checkoutPages = new Hono<AppEnv>();

// '/checkout/*' also matches '/checkout' itself.
checkoutPages.use('/checkout/*', mergeCartOnSignIn);

type Status = 200 | 400 | 401 | 403 | 404 | 409 | 422 | 502;

/** The items checked out and their quote: the 立即购买 item alone, or the cart. */
async function checkoutItems(c: Context<AppEnv>, form: Pick<CheckoutForm, 'buyProductId' | 'buyQuantity' | 'deliveryMethod'>, organizationId: string | null) {
  const buy = buyNowItem(form);
  if (buy) return { cartId: null, quote: { ...(await quoteItems(c.var.db, { items: [buy], delivery: form.deliveryMethod, organizationId })), items: [buy] } };
  const cartId = await findCartId(c.var.db, cartOwner(c));
  return { cartId, quote: await quoteCart(c.var.db, cartId, form.deliveryMethod, organizationId) };
}

async function renderCheckout(c: Context<AppEnv>, form: CheckoutForm | null, errors: FieldError[] = [], status: Status = 200, summary?: string) {
  const locale = c.var.locale;
  const m = t(locale);
  const options = { ...(await checkoutOptions(c.var.db, c.var.actor, getStripe(c.env) !== null)), online: providersAvailable(c.env) };
  const buy = c.req.query('productId') ? { productId: c.req.query('productId')!.slice(0, 64), quantity: (c.req.query('quantity') ?? '').slice(0, 12) } : null;
  const shown = form ?? blankForm(c.var.actor, options, await rememberedBuyer(c), buy);
  // Priced for the organisation chosen (negotiated prices), only if the actor really orders for it.
  const pricedFor = options.organizations.find((o) => o.id === shown.organizationId) ?? null;
  // Quoted as if shipped: the page shows the fee for the chosen method (pickup is free) and the script swaps it.
  const { quote } = await checkoutItems(c, { ...shown, deliveryMethod: 'ship' }, pricedFor?.id ?? null);
  if (quote.items.length === 0) return c.redirect('/cart', 303);
  const props = { form: shown, options, quote, errors, locale, m };
  return c.html(
    <Layout title={m.checkoutTitle} locale={locale} path={currentPath(c.req.url)} actor={c.var.actor} cartCount={cartCountFromCookie(c)} styles={['css/checkout.css']} bodyClass="has-paybar">
      <Script name="js/checkout.js" />
      <h1>{m.checkoutTitle}</h1>
      <form method="post" action="/checkout" class="stack checkout" novalidate data-checkout>
        <input type="hidden" name="idempotencyKey" value={shown.idempotencyKey} />
        {shown.buyProductId ? (
          <>
            <input type="hidden" name="buyProductId" value={shown.buyProductId} />
            <input type="hidden" name="buyQuantity" value={shown.buyQuantity} />
          </>
        ) : null}
        <ErrorSummary errors={errors} quote={quote} summary={summary} locale={locale} m={m} />
        <OrderLines quote={quote} locale={locale} />
        <OrganizationChoice {...props} />
        <DeliveryFieldset {...props} />
        <ContactFieldset {...props} />
        <PaymentFieldset {...props} />
        <Totals form={shown} quote={quote} m={m} pricedFor={pricedFor?.name ?? null} />
        <PayBar quote={quote} form={shown} label={m.placeOrder} totalLabel={m.total} />
      </form>
    </Layout>,
    status,
  );
}

/** The place-order button with the total, fixed at the bottom of a phone's screen. */
function PayBar({ quote, form, label, totalLabel }: { quote: Quote; form: CheckoutForm; label: string; totalLabel: string }) {
  const total = quote.subtotalFen + (form.deliveryMethod === 'pickup' ? 0 : quote.shippingFen);
  return (
    <div class="paybar">
      <span>
        {totalLabel} <strong data-total>{<Money fen={total} />}</strong>
      </span>
      <button type="submit">{label}</button>
    </div>
  );
}

checkoutPages.get('/checkout', (c) => renderCheckout(c, null));

checkoutPages.post('/checkout', async (c) => {
  const form = readForm(await c.req.parseBody());
  const { cartId, quote } = await checkoutItems(c, form, null);
  if (quote.items.length === 0) return c.redirect('/cart', 303);
  // zod's own messages in the page's language for shape errors; the service's refusals carry a rule.
  const parsed = parseForm(createOrderSchema, toOrderRequest(form, quote.items), c.var.locale);
  if (!parsed.success) return renderCheckout(c, form, parsed.issues.map((issue) => ({ ...issue, path: `body.${issue.path}` })), 400);
  try {
    const placed = await placeOrder({ db: c.var.db, env: c.env, actor: c.var.actor }, parsed.data, { idempotencyKey: form.idempotencyKey, ...(cartId ? { cartId } : {}) });
    // Above the purchaser's limit: the request waits for the owner (the cart is kept until it is placed).
    if (placed.approval) return c.redirect(`/procurement/approvals?org=${placed.approval.organizationId}&requested=${placed.approval.id}`, 303);
    rememberGuestBuyer(c, {
      contactName: form.contactName,
      contactPhone: form.contactPhone,
      ...(form.contactEmail ? { contactEmail: form.contactEmail } : {}),
      deliveryMethod: form.deliveryMethod,
      ...(form.deliveryMethod === 'pickup' ? { pickupOrganizationId: form.pickupOrganizationId } : { recipient: form.recipient, recipientPhone: form.phone, districtId: form.districtId, street: form.street }),
      paymentMethod: form.paymentMethod,
    });
    const view = placed.view;
    if (view.payment?.checkoutUrl) return c.redirect(view.payment.checkoutUrl, 303);
    return c.redirect(`${new URL(view.orderUrl!).pathname}?token=${view.accessToken}&placed=1`, 303);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const m = t(c.var.locale);
    if (error.code === 'insufficient_stock') {
      const line = quote.lines.find((l) => l.productId === error.extensions?.productId);
      const summary = fill(m.outOfStock, { name: line ? localized(line, 'name', c.var.locale) : String(error.extensions?.productId), n: String(error.extensions?.available ?? 0) });
      return renderCheckout(c, form, [], 409, summary);
    }
    if (error.code === 'payment_provider_error' && typeof error.extensions?.orderUrl === 'string') {
      return c.redirect(`${new URL(error.extensions.orderUrl).pathname}${new URL(error.extensions.orderUrl).search}&placed=1`, 303);
    }
    return renderCheckout(c, { ...form, idempotencyKey: crypto.randomUUID() }, error.errors ?? [], error.status as Status, error.errors ? undefined : error.message);
  }
});

/**
 * Where Stripe sends the buyer back. The webhook is the source of truth; if it has not arrived yet
 * and the Session says paid, the same guarded "money arrived" step records it now (the webhook then
 * finds it done).
 */
checkoutPages.get('/checkout/return', async (c) => {
  const locale = c.var.locale;
  const m = t(locale);
  const orderId = c.req.query('order') ?? '';
  const token = c.req.query('token');
  let bundle = await loadOrder(c.var.db, orderId);
  const access = bundle ? orderAccess(c.var.actor, bundle, token) : null;
  const path = currentPath(c.req.url);
  if (!bundle || !access || access.kind !== 'buyer') {
    return c.html(<MessagePage title={m.returnTitle} locale={locale} path={path} actor={c.var.actor} message={m.notFound} />, 404);
  }
  const payment = bundle.payment;
  const sessionId = c.req.query('session_id');
  const stripe = getStripe(c.env);
  if (stripe && payment?.status === 'pending' && sessionId && sessionId === payment.stripeCheckoutSessionId) {
    const session = await stripe.checkout.sessions.retrieve(sessionId, { expand: SESSION_EXPAND }).catch(() => null);
    if (session?.payment_status === 'paid') {
      await subjectOf(payment).moneyArrived({ db: c.var.db, env: c.env, stripe, now: Date.now() }, payment, await arrivalFromSession(stripe, session, { from: ['pending'] }));
      bundle = (await loadOrder(c.var.db, orderId))!;
    }
  }
  const orderUrl = `${new URL(orderPageUrl(c.env.APP_URL, bundle.order)).pathname}?token=${bundle.order.accessToken}`;
  const state = bundle.payment?.status === 'succeeded' ? 'paid' : bundle.payment?.status === 'pending' ? 'pending' : 'failed';
  return c.html(
    <Layout title={m.returnTitle} locale={locale} path={path} actor={c.var.actor}>
      {state === 'pending' ? (
        <>
          <span hidden data-refresh-after="5000" />
          <Script name="js/auto-refresh.js" />
        </>
      ) : null}
      <h1>{m.returnTitle}</h1>
      <Notice kind={state === 'failed' ? 'error' : 'notice'}>
        {state === 'paid' ? m.paymentReceived : state === 'pending' ? m.paymentPending : m.paymentNotCompleted}
      </Notice>
      <p>
        <a class="button" href={orderUrl}>
          {m.viewOrder}
        </a>
      </p>
    </Layout>,
  );
});

