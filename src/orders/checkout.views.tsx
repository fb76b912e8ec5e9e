/** The checkout form's parts. Errors stand beside their field, worded by rule in the page's language. */
import type { FieldError } from '../lib/errors';
import { localized, type Locale } from '../lib/i18n';
import { formatFen } from '../lib/money';
import type { CheckoutForm, CheckoutOptions } from './checkout.form';
import { fill, type OrderStrings } from './orders.i18n';
import type { Quote } from '../pricing';
import { refusalText } from './refusals';
import { Money, Notice } from '../views/kit';
import { OnlineMethodOptions } from '../payments';

type Props = { form: CheckoutForm; options: CheckoutOptions; quote: Quote; errors: FieldError[]; locale: Locale; m: OrderStrings };

/** A refusal's text with the line's minimum and step, for quantity rules. */
export function problemText(error: FieldError, quote: Quote, locale: Locale): string {
  const index = /^body\.items\.(\d+)/.exec(error.path)?.[1];
  const line = index !== undefined ? quote.lines.find((l) => l.index === Number(index)) : undefined;
  // A refused line is not priced, so its minimum and step come from the quote's own problem.
  const problem = quote.problems.find((p) => `body.${p.path}` === error.path);
  const text = refusalText(error, locale, { min: problem?.minOrderQuantity ?? line?.minOrderQuantity, step: problem?.orderStep ?? line?.orderStep });
  const named = line ?? (problem ? quote.lines.find((l) => l.productId === problem.productId) : undefined);
  return named ? `${localized(named, 'name', locale)}: ${text}` : text;
}

function FieldProblem({ errors, path, locale }: { errors: FieldError[]; path: string; locale: Locale }) {
  const found = errors.filter((e) => e.path === path || e.path.startsWith(`${path}.`));
  return (
    <span class="field-error" id={`err-${path}`} role={found.length ? 'alert' : undefined} data-error-for={path}>
      {found.map((e) => refusalText(e, locale)).join('; ')}
    </span>
  );
}

export function ErrorSummary({ errors, quote, summary, locale, m }: { errors: FieldError[]; quote: Quote; summary?: string; locale: Locale; m: OrderStrings }) {
  return (
    <>
      {summary ? (
        <Notice kind="error">
          {summary} <a href="/cart">{m.backToCart}</a>
        </Notice>
      ) : null}
      {errors.length ? (
        <div class="error" role="alert">
          <p>{m.problems}</p>
          <ul>
            {errors.map((e) => (
              <li>{problemText(e, quote, locale)}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
}

/** What is bought, with its price; the buyer sees the goods they confirm. */
export function OrderLines({ quote, locale }: { quote: Quote; locale: Locale }) {
  return (
    <ul class="checkout-lines">
      {quote.lines.map((line) => (
        <li>
          <span>
            {localized(line, 'name', locale)} × {line.quantity} {localized(line, 'unit', locale)}
          </span>
          <Money fen={line.lineTotalFen} />
        </li>
      ))}
    </ul>
  );
}

/** Totals for the chosen delivery; js/checkout.js swaps the fee when the choice changes (pickup is free). */
export function Totals({ form, quote, m, pricedFor }: { form: CheckoutForm; quote: Quote; m: OrderStrings; pricedFor: string | null }) {
  const shipping = form.deliveryMethod === 'pickup' ? 0 : quote.shippingFen;
  return (
    <section class="card" aria-labelledby="totals-h" data-totals data-subtotal={String(quote.subtotalFen)} data-ship-fee={String(quote.shippingFen)}>
      <h2 id="totals-h">{m.total}</h2>
      <dl class="facts" aria-live="polite">
        <dt>{m.subtotal}</dt>
        <dd>
          <Money fen={quote.subtotalFen} />
        </dd>
        <dt>{m.shipping}</dt>
        <dd data-shipping>{formatFen(shipping)}</dd>
        <dt>{m.total}</dt>
        <dd>
          <strong class="price" data-total>
            {formatFen(quote.subtotalFen + shipping)}
          </strong>
        </dd>
      </dl>
      <p class="muted">{m.pickupFree}</p>
      {pricedFor ? <p class="muted">{fill(m.pricesFor, { org: pricedFor })}</p> : null}
    </section>
  );
}

export function OrganizationChoice({ form, options, m }: Pick<Props, 'form' | 'options' | 'm'>) {
  if (!options.organizations.length) return null;
  return (
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
  );
}

function PickupFields({ form, options, errors, locale, m }: Omit<Props, 'quote'>) {
  return (
    <div class="stack when" data-when="pickup">
      <label for="pickupOrganizationId">{m.pickupPoint}</label>
      <select id="pickupOrganizationId" name="pickupOrganizationId" style="width:100%">
        {options.pickupPoints.map((p) => (
          <option value={p.id} selected={form.pickupOrganizationId === p.id}>
            {locale === 'en' && p.nameEn ? p.nameEn : p.name}
            {p.pickupAddress ? ` — ${p.pickupAddress}` : ''}
          </option>
        ))}
      </select>
      <FieldProblem errors={errors} path="body.delivery.pickupOrganizationId" locale={locale} />
    </div>
  );
}

function AddressFields({ form, options, errors, locale, m }: Omit<Props, 'quote'>) {
  return (
    <div class="stack when" data-when="ship">
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
          <FieldProblem errors={errors} path="body.delivery.deliveryLocationId" locale={locale} />
        </>
      ) : null}
      <label for="recipient">{m.recipient}</label>
      <input id="recipient" name="recipient" value={form.recipient} autocomplete="name" maxlength={50} />
      <FieldProblem errors={errors} path="body.delivery.address.recipient" locale={locale} />
      <label for="phone">{m.phone}</label>
      <input id="phone" name="phone" value={form.phone} type="tel" autocomplete="tel" inputmode="tel" maxlength={20} />
      <FieldProblem errors={errors} path="body.delivery.address.phone" locale={locale} />
      <label for="districtId">{m.district}</label>
      <select id="districtId" name="districtId">
        <option value="">{m.chooseDistrict}</option>
        {options.districts.map((d) => (
          <option value={d.id} selected={form.districtId === d.id}>
            {localized(d, 'name', locale)}
          </option>
        ))}
      </select>
      <FieldProblem errors={errors} path="body.delivery.address.districtId" locale={locale} />
      <label for="street">{m.street}</label>
      <input id="street" name="street" value={form.street} autocomplete="street-address" maxlength={200} />
      <FieldProblem errors={errors} path="body.delivery.address.street" locale={locale} />
      <FieldProblem errors={errors} path="body.delivery.address" locale={locale} />
    </div>
  );
}

export function DeliveryFieldset(props: Omit<Props, 'quote'>) {
  const { form, m } = props;
  return (
    <fieldset class="card" style="min-width:0">
      <legend>{m.delivery}</legend>
      <label class="choice">
        <input type="radio" name="deliveryMethod" value="pickup" checked={form.deliveryMethod === 'pickup'} /> {m.pickup}
      </label>
      <PickupFields {...props} />
      <label class="choice">
        <input type="radio" name="deliveryMethod" value="ship" checked={form.deliveryMethod === 'ship'} /> {m.ship}
      </label>
      <AddressFields {...props} />
    </fieldset>
  );
}

export function ContactFieldset({ form, errors, locale, m }: Omit<Props, 'quote' | 'options'>) {
  return (
    <fieldset class="card stack" style="min-width:0">
      <legend>{m.contact}</legend>
      <label for="contactName">{m.contactName}</label>
      <input id="contactName" name="contactName" value={form.contactName} autocomplete="name" maxlength={50} required data-msg={refusalText({ rule: 'contact_name_length', message: '' }, locale)} />
      <FieldProblem errors={errors} path="body.contact.name" locale={locale} />
      <label for="contactPhone">{m.contactPhone}</label>
      <input id="contactPhone" name="contactPhone" value={form.contactPhone} type="tel" autocomplete="tel" inputmode="tel" maxlength={20} required data-msg={refusalText({ rule: 'phone_format', message: '' }, locale)} />
      <FieldProblem errors={errors} path="body.contact.phone" locale={locale} />
      <label for="contactEmail">{m.email}</label>
      <input id="contactEmail" name="contactEmail" value={form.contactEmail} type="email" autocomplete="email" maxlength={200} />
      <FieldProblem errors={errors} path="body.contact.email" locale={locale} />
    </fieldset>
  );
}

export function PaymentFieldset({ form, options, errors, locale, m }: Omit<Props, 'quote'>) {
  const invoiceOrgs = options.organizations.filter((o) => o.invoiceAllowed);
  return (
    <fieldset class="card" style="min-width:0">
      <legend>{m.paymentMethod}</legend>
      {options.online ? <OnlineMethodOptions available={options.online} selected={form.paymentMethod} locale={locale} /> : null}
      {options.stripeAvailable ? (
        <label class="choice">
          <input type="radio" name="paymentMethod" value="stripe" checked={form.paymentMethod === 'stripe'} /> {m.payStripe}
        </label>
      ) : (
        <p class="notice">
          <label class="choice">
            <input type="radio" name="paymentMethod" value="stripe" disabled /> {m.payStripe}
          </label>
          {m.payStripeUnavailable}
        </p>
      )}
      <label class="choice">
        <input type="radio" name="paymentMethod" value="pay_at_pickup" checked={form.paymentMethod === 'pay_at_pickup'} /> {m.payAtPickup}
      </label>
      <p class="muted">{m.payAtPickupNote}</p>
      {invoiceOrgs.length ? (
        <label class="choice">
          <input type="radio" name="paymentMethod" value="invoice" checked={form.paymentMethod === 'invoice'} /> {fill(m.payInvoice, { n: invoiceOrgs[0]!.paymentTermsDays })} ·{' '}
          {invoiceOrgs.map((o) => o.name).join('、')}
        </label>
      ) : null}
      <FieldProblem errors={errors} path="body.paymentMethod" locale={locale} />
    </fieldset>
  );
}
