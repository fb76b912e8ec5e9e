/**
 * The checkout form: what it holds, the options a buyer may choose from, how it is read from a post and
 * turned into the API's order request (so both go through the same validation).
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { deliveryLocations, districts, organization } from '../db/schema';
import type { Actor } from '../env';
import { defaultOrderingOrganization, orderingMemberships } from './buyer';
import type { RememberedBuyer } from './checkout.prefill';
import type { ProviderName } from '../payments';

export type CheckoutForm = {
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
  /** 立即购买: the one product bought without the cart (empty when checking out the cart). */
  buyProductId: string;
  buyQuantity: string;
};

export type CheckoutOptions = {
  districts: { id: string; nameZh: string; nameEn: string }[];
  pickupPoints: { id: string; name: string; nameEn: string | null; pickupAddress: string | null }[];
  organizations: { id: string; name: string; paymentTermsDays: number; invoiceAllowed: boolean }[];
  /** Saved delivery locations of the organisations the actor orders for. */
  locations: { id: string; organizationId: string; label: string; street: string; receivingHours: string | null; isDefault: boolean }[];
  stripeAvailable: boolean;
  /** WeChat Pay and Alipay, each on when its keys are configured. */
  online?: Record<ProviderName, boolean>;
};

/** Whether the page can offer a remembered payment method again (the service still checks every method). */
function offered(method: string, options: CheckoutOptions): boolean {
  if (method === 'stripe') return options.stripeAvailable;
  if (method === 'wechat_pay' || method === 'alipay') return options.online?.[method] === true;
  return true;
}

export async function checkoutOptions(db: Db, actor: Actor | null, stripeAvailable: boolean): Promise<CheckoutOptions> {
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

/**
 * A fresh form. Someone who buys for exactly one organisation orders for it, to its default delivery
 * location; otherwise the buyer's last contact, delivery and payment choice (their last order when signed
 * in, or what this device remembers for a guest) are filled in, so a returning buyer only confirms.
 */
export function blankForm(actor: Actor | null, options: CheckoutOptions, remembered: RememberedBuyer | null, buy: { productId: string; quantity: string } | null): CheckoutForm {
  const organizationId = defaultOrderingOrganization(actor) ?? '';
  const location = options.locations.find((l) => l.organizationId === organizationId && l.isDefault);
  const invoice = options.organizations.find((o) => o.id === organizationId)?.invoiceAllowed === true;
  const knownPickup = remembered?.pickupOrganizationId && options.pickupPoints.some((p) => p.id === remembered.pickupOrganizationId) ? remembered.pickupOrganizationId : '';
  const method = location ? 'ship' : (remembered?.deliveryMethod ?? 'pickup');
  const fallbackPayment = location && invoice ? 'invoice' : options.stripeAvailable ? 'stripe' : 'pay_at_pickup';
  const rememberedPayment = remembered?.paymentMethod && offered(remembered.paymentMethod, options) ? remembered.paymentMethod : '';
  return {
    idempotencyKey: crypto.randomUUID(),
    organizationId,
    deliveryMethod: method,
    recipient: remembered?.recipient ?? actor?.name ?? '',
    phone: remembered?.recipientPhone ?? '',
    districtId: remembered?.districtId ?? '',
    street: remembered?.street ?? '',
    pickupOrganizationId: knownPickup || (options.pickupPoints[0]?.id ?? ''),
    deliveryLocationId: location?.id ?? '',
    contactName: remembered?.contactName ?? actor?.name ?? '',
    contactPhone: remembered?.contactPhone ?? '',
    contactEmail: remembered?.contactEmail ?? actor?.email ?? '',
    paymentMethod: location ? fallbackPayment : rememberedPayment || fallbackPayment,
    buyProductId: buy?.productId ?? '',
    buyQuantity: buy?.quantity ?? '',
  };
}

export function readForm(body: Record<string, string | File | (string | File)[]>): CheckoutForm {
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
    buyProductId: field('buyProductId').slice(0, 64),
    buyQuantity: field('buyQuantity').slice(0, 12),
  };
}

/** The 立即购买 item, when the form carries one: a whole quantity (the quote then checks minimum and step). */
export function buyNowItem(form: Pick<CheckoutForm, 'buyProductId' | 'buyQuantity'>): { productId: string; quantity: number } | null {
  if (!form.buyProductId) return null;
  const quantity = Number(form.buyQuantity);
  return { productId: form.buyProductId, quantity: Number.isFinite(quantity) ? quantity : 1 };
}

/** The form as the API's request body, so both go through the same validation. */
export function toOrderRequest(form: CheckoutForm, items: { productId: string; quantity: number }[]) {
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
