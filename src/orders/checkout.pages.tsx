import { and, asc, eq, inArray } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import type { Db } from '../db/client';
import { deliveryLocations, districts, organization } from '../db/schema';
import type { Actor, AppEnv } from '../env';
import { AppError, fieldErrors, type FieldError } from '../lib/errors';
import { localized, type Locale } from '../lib/i18n';
import { Layout } from '../views/layout';
import { Script } from '../views/assets';
import { arrivalFromSession, SESSION_EXPAND } from '../payments';
import { getStripe } from '../payments';
import { subjectOf } from '../payments';
import { defaultOrderingOrganization, orderingMemberships } from './buyer';
import { cartOwner, mergeCartOnSignIn } from './cart.cookie';
import { findCartId, quoteCart } from './cart.service';
import { loadOrder, orderPageUrl } from './order-read';
import { fill, t, type OrderStrings } from './orders.i18n';
import { createOrderSchema } from './orders.schemas';
import { placeOrder } from './orders.service';
import { orderAccess } from './policy';
import type { Quote } from '../pricing';
import { currentPath, MessagePage, Money, Notice } from '../views/kit';

/**
 * Checkout: delivery to a Shanghai address or pickup at a verified showroom, contact, and the payment
 * methods this buyer may use (saying plainly when card, Alipay and WeChat Pay are unavailable). The form
 * posts to the same `placeOrder` service as the API, with a per-render Idempotency-Key so a double
 * submit places one order.
 */
export const checkoutPages = new Hono<AppEnv>();

// '/checkout/*' also matches '/checkout' itself.
checkoutPages.use('/checkout/*', mergeCartOnSignIn);

type CheckoutForm = {
  idempotencyKey: string;
  organizationId: string;
  deliveryMethod: 'ship' | 'pickup';
  recipient: string;
  phone: string;
  districtId: string;
  street: string;
  pickupOrganizationId: string;
  deliveryLocationId: string;
  contactName: string;
  contactPhone: string;
  contactEmail: string;
  paymentMethod: string;
};

type CheckoutOptions = {
  districts: { id: string; nameZh: string; nameEn: string }[];
  pickupPoints: { id: string; name: string; nameEn: string | null; pickupAddress: string | null }[];
  organizations: { id: string; name: string; paymentTermsDays: number; invoiceAllowed: boolean }[];
  /** Saved delivery locations of the organisations the actor orders for. */
  locations: { id: string; organizationId: string; label: string; street: string; receivingHours: string | null; isDefault: boolean }[];
  stripeAvailable: boolean;
};

async function checkoutOptions(db: Db, actor: Actor | null, stripeAvailable: boolean): Promise<CheckoutOptions> {
  const mine = orderingMemberships(actor);
  const orgIds = mine.length ? mine.map((m) => m.organizationId) : [''];
  const [districtRows, showrooms, orgRows, locationRows] = await db.batch([
    db.select({ id: districts.id, nameZh: districts.nameZh, nameEn: districts.nameEn }).from(districts).orderBy(asc(districts.sortOrder)),
    db
      .select({ id: organization.id, name: organization.name, nameEn: organization.nameEn, pickupAddress: organization.pickupAddress })
      .from(organization)
      .where(and(eq(organization.kind, 'showroom'), eq(organization.status, 'verified')))
      .orderBy(asc(organization.name)),
    db
      .select({ id: organization.id, name: organization.name, nameEn: organization.nameEn, pickupAddress: organization.pickupAddress, status: organization.status, paymentTermsDays: organization.paymentTermsDays })
      .from(organization)
      .where(inArray(organization.id, orgIds)),
    db
      .select({
        id: deliveryLocations.id,
        organizationId: deliveryLocations.organizationId,
        label: deliveryLocations.label,
        street: deliveryLocations.street,
        receivingHours: deliveryLocations.receivingHours,
        isDefault: deliveryLocations.isDefault,
      })
      .from(deliveryLocations)
      .where(inArray(deliveryLocations.organizationId, orgIds))
      .orderBy(asc(deliveryLocations.createdAt)),
  ]);
  // The buyer's own verified canteen or office is a pickup point for its own orders.
  const ownPoints = orgRows.filter((o) => o.status === 'verified' && !showrooms.some((s) => s.id === o.id));
  return {
    districts: districtRows,
    pickupPoints: [...showrooms, ...ownPoints.map(({ id, name, nameEn, pickupAddress }) => ({ id, name, nameEn, pickupAddress }))],
    organizations: orgRows.map((o) => ({ id: o.id, name: o.name, paymentTermsDays: o.paymentTermsDays, invoiceAllowed: o.status === 'verified' && o.paymentTermsDays > 0 })),
    locations: locationRows,
    stripeAvailable,
  };
}

function blankForm(actor: Actor | null, options: CheckoutOptions): CheckoutForm {
  // Someone who buys for exactly one organisation orders for it, to its default delivery location.
  const organizationId = defaultOrderingOrganization(actor) ?? '';
  const location = options.locations.find((l) => l.organizationId === organizationId && l.isDefault);
  const invoice = options.organizations.find((o) => o.id === organizationId)?.invoiceAllowed === true;
  return {
    idempotencyKey: crypto.randomUUID(),
    organizationId,
    deliveryMethod: location ? 'ship' : 'pickup',
    recipient: actor?.name ?? '',
    phone: '',
    districtId: '',
    street: '',
    pickupOrganizationId: options.pickupPoints[0]?.id ?? '',
    deliveryLocationId: location?.id ?? '',
    contactName: actor?.name ?? '',
    contactPhone: '',
    contactEmail: actor?.email ?? '',
    paymentMethod: location && invoice ? 'invoice' : options.stripeAvailable ? 'stripe' : 'pay_at_pickup',
  };
}

function readForm(body: Record<string, string | File | (string | File)[]>): CheckoutForm {
  const field = (name: string) => {
    const value = body[name];
    return typeof value === 'string' ? value.trim().slice(0, 300) : '';
  };
  return {
    idempotencyKey: field('idempotencyKey') || crypto.randomUUID(),
    organizationId: field('organizationId'),
    deliveryMethod: field('deliveryMethod') === 'ship' ? 'ship' : 'pickup',
    recipient: field('recipient'),
    phone: field('phone'),
    districtId: field('districtId'),
    street: field('street'),
    pickupOrganizationId: field('pickupOrganizationId'),
    deliveryLocationId: field('deliveryLocationId'),
    contactName: field('contactName'),
    contactPhone: field('contactPhone'),
    contactEmail: field('contactEmail'),
    paymentMethod: field('paymentMethod'),
  };
}

/** The form as the API's request body, so both go through the same validation. */
function toOrderRequest(form: CheckoutForm, items: { productId: string; quantity: number }[]) {
  return {
    items,
    delivery:
      form.deliveryMethod === 'pickup'
        ? { method: 'pickup' as const, pickupOrganizationId: form.pickupOrganizationId }
        : form.deliveryLocationId
          ? { method: 'ship' as const, deliveryLocationId: form.deliveryLocationId }
          : { method: 'ship' as const, address: { recipient: form.recipient, phone: form.phone, districtId: form.districtId, street: form.street } },
    contact: { name: form.contactName, phone: form.contactPhone, ...(form.contactEmail ? { email: form.contactEmail } : {}) },
    ...(form.organizationId ? { organizationId: form.organizationId } : {}),
    paymentMethod: form.paymentMethod,
  };
}

async function renderCheckout(c: Context<AppEnv>, form: CheckoutForm | null, errors: FieldError[] = [], status: 200 | 400 | 401 | 403 | 404 | 409 | 422 | 502 = 200, summary?: string) {
  const locale = c.var.locale;
  const m = t(locale);
  const cartId = await findCartId(c.var.db, cartOwner(c));
  const options = await checkoutOptions(c.var.db, c.var.actor, getStripe(c.env) !== null);
  const shown = form ?? blankForm(c.var.actor, options);
  // Priced for the organisation chosen (negotiated prices), only if the actor really orders for it.
  const pricedFor = options.organizations.find((o) => o.id === shown.organizationId) ?? null;
  const quote = await quoteCart(c.var.db, cartId, 'ship', pricedFor?.id ?? null);
  if (quote.items.length === 0) return c.redirect('/cart', 303);
  return c.html(
    <Layout title={m.checkoutTitle} locale={locale} path={currentPath(c.req.url)} actor={c.var.actor}>
      <h1>{m.checkoutTitle}</h1>
      <CheckoutPage form={shown} options={options} quote={quote} pricedFor={pricedFor?.name ?? null} errors={errors} summary={summary} locale={locale} m={m} />
    </Layout>,
    status,
  );
}

checkoutPages.get('/checkout', (c) => renderCheckout(c, null));

checkoutPages.post('/checkout', async (c) => {
  const form = readForm(await c.req.parseBody());
  const cartId = await findCartId(c.var.db, cartOwner(c));
  const quote = await quoteCart(c.var.db, cartId, form.deliveryMethod);
  if (!cartId || quote.items.length === 0) return c.redirect('/cart', 303);
  const parsed = createOrderSchema.safeParse(toOrderRequest(form, quote.items));
  if (!parsed.success) return renderCheckout(c, form, fieldErrors(parsed.error, 'body'), 400);
  try {
    const placed = await placeOrder({ db: c.var.db, env: c.env, actor: c.var.actor }, parsed.data, { idempotencyKey: form.idempotencyKey, cartId });
    // Above the purchaser's limit: the request waits for the owner (the cart is kept until it is placed).
    if (placed.approval) return c.redirect(`/procurement/approvals?org=${placed.approval.organizationId}&requested=${placed.approval.id}`, 303);
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
    return renderCheckout(c, { ...form, idempotencyKey: crypto.randomUUID() }, error.errors ?? [], error.status as 400, error.errors ? undefined : error.message);
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

function FieldProblem({ errors, path }: { errors: FieldError[]; path: string }) {
  const found = errors.filter((e) => e.path === path || e.path.startsWith(`${path}.`));
  return found.length ? (
    <span class="error" id={`err-${path}`}>
      {found.map((e) => e.message).join('; ')}
    </span>
  ) : null;
}

function CheckoutPage(props: { form: CheckoutForm; options: CheckoutOptions; quote: Quote; pricedFor: string | null; errors: FieldError[]; summary?: string; locale: Locale; m: OrderStrings }) {
  const { form, options, quote, errors, locale, m } = props;
  const invoiceOrgs = options.organizations.filter((o) => o.invoiceAllowed);
  const lineName = (path: string) => {
    const index = /^body\.items\.(\d+)/.exec(path)?.[1];
    const line = index !== undefined ? quote.lines.find((l) => l.index === Number(index)) : undefined;
    return line ? `${localized(line, 'name', locale)}: ` : '';
  };
  return (
    <form method="post" action="/checkout" class="stack" novalidate>
      <input type="hidden" name="idempotencyKey" value={form.idempotencyKey} />
      {props.summary ? (
        <Notice kind="error">
          {props.summary} <a href="/cart">{m.backToCart}</a>
        </Notice>
      ) : null}
      {errors.length ? (
        <div class="error" role="alert">
          <p>{m.problems}</p>
          <ul>
            {errors.map((e) => (
              <li>
                {lineName(e.path)}
                {e.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <section class="card">
        <h2>{m.total}</h2>
        <dl class="facts">
          <dt>{m.subtotal}</dt>
          <dd>
            <Money fen={quote.subtotalFen} />
          </dd>
          <dt>{m.shippingIfDelivered}</dt>
          <dd>
            <Money fen={quote.shippingFen} />
          </dd>
        </dl>
        <p class="muted">{m.pickupFree}</p>
        {props.pricedFor ? <p class="muted">{fill(m.pricesFor, { org: props.pricedFor })}</p> : null}
      </section>

      {options.organizations.length ? (
        <section class="card">
          <label for="organizationId">{m.orderFor}</label>
          <select id="organizationId" name="organizationId">
            <option value="">{m.personal}</option>
            {options.organizations.map((o) => (
              <option value={o.id} selected={form.organizationId === o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </section>
      ) : null}

      <fieldset class="card" style="min-width:0">
        <legend>{m.delivery}</legend>
        <label>
          <input type="radio" name="deliveryMethod" value="pickup" checked={form.deliveryMethod === 'pickup'} /> {m.pickup}
        </label>
        <div class="stack" style="margin-left:1.5em">
          <label for="pickupOrganizationId">{m.pickupPoint}</label>
          <select id="pickupOrganizationId" name="pickupOrganizationId" style="width:100%">
            {options.pickupPoints.map((p) => (
              <option value={p.id} selected={form.pickupOrganizationId === p.id}>
                {locale === 'en' && p.nameEn ? p.nameEn : p.name}
                {p.pickupAddress ? ` — ${p.pickupAddress}` : ''}
              </option>
            ))}
          </select>
          <FieldProblem errors={errors} path="body.delivery.pickupOrganizationId" />
        </div>
        <label>
          <input type="radio" name="deliveryMethod" value="ship" checked={form.deliveryMethod === 'ship'} /> {m.ship}
        </label>
        <div class="stack" style="margin-left:1.5em">
          {options.locations.length ? (
            <>
              <label for="deliveryLocationId">{m.savedLocation}</label>
              <select id="deliveryLocationId" name="deliveryLocationId" style="width:100%">
                <option value="">{m.enterAddress}</option>
                {options.locations.map((l) => (
                  <option value={l.id} selected={form.deliveryLocationId === l.id}>
                    {options.organizations.find((o) => o.id === l.organizationId)?.name ?? ''} · {l.label} — {l.street}
                    {l.receivingHours ? ` (${l.receivingHours})` : ''}
                  </option>
                ))}
              </select>
              <FieldProblem errors={errors} path="body.delivery.deliveryLocationId" />
            </>
          ) : null}
          <label for="recipient">{m.recipient}</label>
          <input id="recipient" name="recipient" value={form.recipient} autocomplete="name" maxlength={50} />
          <FieldProblem errors={errors} path="body.delivery.address.recipient" />
          <label for="phone">{m.phone}</label>
          <input id="phone" name="phone" value={form.phone} type="tel" autocomplete="tel" inputmode="tel" maxlength={20} />
          <FieldProblem errors={errors} path="body.delivery.address.phone" />
          <label for="districtId">{m.district}</label>
          <select id="districtId" name="districtId">
            <option value="">{m.chooseDistrict}</option>
            {options.districts.map((d) => (
              <option value={d.id} selected={form.districtId === d.id}>
                {localized(d, 'name', locale)}
              </option>
            ))}
          </select>
          <FieldProblem errors={errors} path="body.delivery.address.districtId" />
          <label for="street">{m.street}</label>
          <input id="street" name="street" value={form.street} autocomplete="street-address" maxlength={200} />
          <FieldProblem errors={errors} path="body.delivery.address.street" />
        </div>
      </fieldset>

      <fieldset class="card" style="min-width:0">
        <legend>{m.contact}</legend>
        <label for="contactName">{m.contactName}</label>
        <input id="contactName" name="contactName" value={form.contactName} autocomplete="name" maxlength={50} required />
        <FieldProblem errors={errors} path="body.contact.name" />
        <label for="contactPhone">{m.contactPhone}</label>
        <input id="contactPhone" name="contactPhone" value={form.contactPhone} type="tel" autocomplete="tel" inputmode="tel" maxlength={20} required />
        <FieldProblem errors={errors} path="body.contact.phone" />
        <label for="contactEmail">{m.email}</label>
        <input id="contactEmail" name="contactEmail" value={form.contactEmail} type="email" autocomplete="email" maxlength={200} />
        <FieldProblem errors={errors} path="body.contact.email" />
      </fieldset>

      <fieldset class="card" style="min-width:0">
        <legend>{m.paymentMethod}</legend>
        {options.stripeAvailable ? (
          <label>
            <input type="radio" name="paymentMethod" value="stripe" checked={form.paymentMethod === 'stripe'} /> {m.payStripe}
          </label>
        ) : (
          <p class="notice">
            <label>
              <input type="radio" name="paymentMethod" value="stripe" disabled /> {m.payStripe}
            </label>
            {m.payStripeUnavailable}
          </p>
        )}
        <label>
          <input type="radio" name="paymentMethod" value="pay_at_pickup" checked={form.paymentMethod === 'pay_at_pickup'} /> {m.payAtPickup}
        </label>
        <p class="muted">{m.payAtPickupNote}</p>
        {invoiceOrgs.length ? (
          <label>
            <input type="radio" name="paymentMethod" value="invoice" checked={form.paymentMethod === 'invoice'} />{' '}
            {fill(m.payInvoice, { n: invoiceOrgs[0]!.paymentTermsDays })} · {invoiceOrgs.map((o) => o.name).join('、')}
          </label>
        ) : null}
        <FieldProblem errors={errors} path="body.paymentMethod" />
      </fieldset>

      <p>
        <button type="submit">{m.placeOrder}</button>
      </p>
    </form>
  );
}
