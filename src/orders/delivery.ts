import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { districts, organization, type OrganizationKind } from '../db/schema';
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

export type DeliveryInput =
  | { method: 'ship'; address: ShipAddress }
  | { method: 'pickup'; pickupOrganizationId: string };

export type ResolvedDelivery = {
  method: 'ship' | 'pickup';
  recipient: string | null;
  recipientPhone: string | null;
  shipDistrictId: string | null;
  shipStreet: string | null;
  pickupOrganizationId: string | null;
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
    const errors: FieldError[] = [];
    const at = (field: string) => `${pathPrefix}delivery.address.${field}`;
    const recipient = input.address.recipient.trim();
    const street = input.address.street.trim();
    const phone = normalizePhone(input.address.phone);
    if (recipient.length < 1 || recipient.length > 50) errors.push({ path: at('recipient'), message: 'Recipient must be 1–50 characters' });
    if (!phone) errors.push({ path: at('phone'), message: 'Enter a mainland mobile number (11 digits) or a Shanghai landline (021 + 8 digits)' });
    if (street.length < 4 || street.length > 200) errors.push({ path: at('street'), message: 'Street address must be 4–200 characters' });
    const district = await db.select({ id: districts.id }).from(districts).where(eq(districts.id, input.address.districtId)).get();
    if (!district) errors.push({ path: at('districtId'), message: `Unknown Shanghai district "${input.address.districtId}"` });
    if (errors.length) throw new AppError('validation_failed', `Invalid ${errors.map((e) => e.path).join(', ')}`, { errors });
    return {
      method: 'ship',
      recipient,
      recipientPhone: phone,
      shipDistrictId: input.address.districtId,
      shipStreet: street,
      pickupOrganizationId: null,
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
      errors: [{ path, message: 'Choose a verified showroom, or your own organisation when ordering for it' }],
    });
  }
  return {
    method: 'pickup',
    recipient: null,
    recipientPhone: null,
    shipDistrictId: null,
    shipStreet: null,
    pickupOrganizationId: point.id,
    pickupKind: point.kind,
    pickup: { name: point.name, nameEn: point.nameEn, pickupAddress: point.pickupAddress },
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
  if (name.length < 1 || name.length > 50) errors.push({ path: `${pathPrefix}contact.name`, message: 'Name must be 1–50 characters' });
  if (!phone) errors.push({ path: `${pathPrefix}contact.phone`, message: 'Enter a mainland mobile number (11 digits) or a Shanghai landline (021 + 8 digits)' });
  if (email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.push({ path: `${pathPrefix}contact.email`, message: 'Not an e-mail address' });
  if (errors.length) throw new AppError('validation_failed', `Invalid ${errors.map((e) => e.path).join(', ')}`, { errors });
  return { name, phone: phone!, email };
}
