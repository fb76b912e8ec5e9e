import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { deliveryLocations, districts, organization, type OrganizationKind } from '../db/schema';
import { AppError, type FieldError } from '../lib/errors';

/**
 * Where an order goes: a Shanghai address (validated against the `districts` table) or a pickup point
 * (自提点) — a verified showroom, or the buyer organisation's own canteen or office.
 */

/** Mainland mobile: 11 digits starting 13–19, optionally with +86. */
const MOBILE = /^(?:\+?86)?(1[3-9]\d{9})$/;
/** Shanghai landline: area code 021 (optional) and an 8-digit local number not starting with 0 or 1. */
const SHANGHAI_LANDLINE = /^(?:\(?021\)?)?([2-9]\d{7})$/;

/** The phone in a canonical form (`13800000001`, `021-56600000`), or null when it is neither a mainland mobile nor a Shanghai landline. */
export function normalizePhone(raw: string): string | null {
  const compact = raw.replace(/[\s-]/g, '');
  const mobile = MOBILE.exec(compact);
  if (mobile) return mobile[1]!;
  const landline = SHANGHAI_LANDLINE.exec(compact);
  if (landline) return `021-${landline[1]}`;
  return null;
}

export type ShipAddress = { recipient: string; phone: string; districtId: string; street: string };

/** Ship to an address, or to one of the buyer organisation's saved delivery locations (canteen kitchen, …). */
export type DeliveryInput =
  | { method: 'ship'; address?: ShipAddress; deliveryLocationId?: string }
  | { method: 'pickup'; pickupOrganizationId: string };

export type ResolvedDelivery = {
  method: 'ship' | 'pickup';
  recipient: string | null;
  recipientPhone: string | null;
  shipDistrictId: string | null;
  shipStreet: string | null;
  pickupOrganizationId: string | null;
  /** The organisation's saved location the address was taken from, if any. */
  deliveryLocationId: string | null;
  /** Kind of the pickup point (pay at pickup needs a showroom's desk). */
  pickupKind: OrganizationKind | null;
  pickup: { name: string; nameEn: string | null; pickupAddress: string | null } | null;
};

const PICKUP_KINDS_FOR_ANYONE: OrganizationKind[] = ['showroom'];
const PICKUP_KINDS_FOR_OWN_ORG: OrganizationKind[] = ['canteen', 'enterprise', 'showroom'];

export async function resolveDelivery(
  db: Db,
  input: DeliveryInput,
  buyer: { organizationId: string | null },
  pathPrefix = 'body.',
): Promise<ResolvedDelivery> {
  if (input.method === 'ship') {
    if ((input.address === undefined) === (input.deliveryLocationId === undefined)) {
      const path = `${pathPrefix}delivery.address`;
      throw new AppError('validation_failed', `Invalid ${path}`, { errors: [{ path, rule: 'address_or_location', message: 'Give an address or a deliveryLocationId (one of them)' }] });
    }
    if (input.deliveryLocationId !== undefined) return shipToSavedLocation(db, input.deliveryLocationId, buyer, pathPrefix);
    const address = input.address!;
    const errors: FieldError[] = [];
    const at = (field: string) => `${pathPrefix}delivery.address.${field}`;
    const recipient = address.recipient.trim();
    const street = address.street.trim();
    const phone = normalizePhone(address.phone);
    if (recipient.length < 1 || recipient.length > 50) errors.push({ path: at('recipient'), rule: 'recipient_length', message: 'Recipient must be 1–50 characters' });
    if (!phone) errors.push({ path: at('phone'), rule: 'phone_format', message: 'Enter a mainland mobile number (11 digits) or a Shanghai landline (021 + 8 digits)' });
    if (street.length < 4 || street.length > 200) errors.push({ path: at('street'), rule: 'street_length', message: 'Street address must be 4–200 characters' });
    const district = await db.select({ id: districts.id }).from(districts).where(eq(districts.id, address.districtId)).get();
    if (!district) errors.push({ path: at('districtId'), rule: 'unknown_district', message: `Unknown Shanghai district "${address.districtId}"` });
    if (errors.length) throw new AppError('validation_failed', `Invalid ${errors.map((e) => e.path).join(', ')}`, { errors });
    return {
      method: 'ship',
      recipient,
      recipientPhone: phone,
      shipDistrictId: address.districtId,
      shipStreet: street,
      pickupOrganizationId: null,
      deliveryLocationId: null,
      pickupKind: null,
      pickup: null,
    };
  }

  const path = `${pathPrefix}delivery.pickupOrganizationId`;
  const point = await db
    .select({
      id: organization.id,
      kind: organization.kind,
      status: organization.status,
      name: organization.name,
      nameEn: organization.nameEn,
      pickupAddress: organization.pickupAddress,
    })
    .from(organization)
    .where(eq(organization.id, input.pickupOrganizationId))
    .get();
  const isOwn = point !== undefined && point.id === buyer.organizationId;
  const allowedKinds = isOwn ? PICKUP_KINDS_FOR_OWN_ORG : PICKUP_KINDS_FOR_ANYONE;
  if (!point || point.status !== 'verified' || !allowedKinds.includes(point.kind)) {
    // One message for unknown, unverified and foreign points, so organisation ids don't leak.
    throw new AppError('unprocessable', 'This is not a pickup point you can use', {
      errors: [{ path, rule: 'pickup_point_not_allowed', message: 'Choose a verified showroom, or your own organisation when ordering for it' }],
    });
  }
  return {
    method: 'pickup',
    recipient: null,
    recipientPhone: null,
    shipDistrictId: null,
    shipStreet: null,
    pickupOrganizationId: point.id,
    deliveryLocationId: null,
    pickupKind: point.kind,
    pickup: { name: point.name, nameEn: point.nameEn, pickupAddress: point.pickupAddress },
  };
}

/**
 * A saved delivery location of the organisation the order is for. Another organisation's location (or
 * none at all when ordering personally) is refused with one message, so location ids don't leak.
 */
async function shipToSavedLocation(db: Db, locationId: string, buyer: { organizationId: string | null }, pathPrefix: string): Promise<ResolvedDelivery> {
  const location = buyer.organizationId
    ? await db
        .select()
        .from(deliveryLocations)
        .where(and(eq(deliveryLocations.id, locationId), eq(deliveryLocations.organizationId, buyer.organizationId)))
        .get()
    : undefined;
  if (!location) {
    throw new AppError('unprocessable', 'This is not a delivery location of the organisation you order for', {
      errors: [{ path: `${pathPrefix}delivery.deliveryLocationId`, rule: 'delivery_location_not_allowed', message: 'Choose one of your organisation’s delivery locations (and order for that organisation)' }],
    });
  }
  return {
    method: 'ship',
    recipient: location.recipient,
    recipientPhone: normalizePhone(location.phone) ?? location.phone,
    shipDistrictId: location.districtId,
    shipStreet: location.receivingHours ? `${location.street}（${location.label}，收货时间 ${location.receivingHours}）` : `${location.street}（${location.label}）`,
    pickupOrganizationId: null,
    deliveryLocationId: location.id,
    pickupKind: null,
    pickup: null,
  };
}

/** Contact of the person placing the order (a guest has no account, so this is how we reach them). */
export function validateContact(
  contact: { name: string; phone: string; email?: string | null },
  pathPrefix = 'body.',
): { name: string; phone: string; email: string | null } {
  const errors: FieldError[] = [];
  const name = contact.name.trim();
  const phone = normalizePhone(contact.phone);
  const email = contact.email?.trim() || null;
  if (name.length < 1 || name.length > 50) errors.push({ path: `${pathPrefix}contact.name`, rule: 'contact_name_length', message: 'Name must be 1–50 characters' });
  if (!phone) errors.push({ path: `${pathPrefix}contact.phone`, rule: 'phone_format', message: 'Enter a mainland mobile number (11 digits) or a Shanghai landline (021 + 8 digits)' });
  if (email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.push({ path: `${pathPrefix}contact.email`, rule: 'email_format', message: 'Not an e-mail address' });
  if (errors.length) throw new AppError('validation_failed', `Invalid ${errors.map((e) => e.path).join(', ')}`, { errors });
  return { name, phone: phone!, email };
}
