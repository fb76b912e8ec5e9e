import { z } from '@hono/zod-openapi';
import { MEMBER_ROLES, ORGANIZATION_KINDS, ORGANIZATION_STATUSES } from '../db/schema';
import { textField } from '../lib/text';
import { CREATABLE_KINDS } from './policy';

/**
 * Request and response schemas of the accounts API. Pages parse their forms with the same request
 * schemas, so a rule (a field's length, which fields an owner may change) is written once.
 */

const MAX_FEN = 1_000_000_000_000; // ¥10 billion: far above any real target or limit, below 2^53.

const text = (max: number) => textField({ max, min: 1 });
const optionalText = (max: number) => text(max).nullish();
const optionalMultilineText = (max: number) => textField({ max, min: 1, multiline: true }).nullish();
const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ()-]{4,28}$/, 'A phone number: digits, spaces, +, - and parentheses');
/** 统一社会信用代码 (18 characters) or an older 15–20 character tax registration number. */
const taxId = z
  .string()
  .trim()
  .transform((v) => v.toUpperCase())
  .pipe(z.string().regex(/^[0-9A-Z]{15,20}$/, 'A tax id of 15 to 20 letters and digits'));
const fen = z.number().int().min(0).max(MAX_FEN);

export const idParam = (name: string, example: string) =>
  z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name, in: 'path' }, example });

export const organizationIdParams = z.object({ id: idParam('id', 'org_baoshan_canteen') });
export const memberParams = z.object({ id: idParam('id', 'org_baoshan_canteen'), memberId: idParam('memberId', 'mem_x') });
export const invitationParams = z.object({ id: idParam('id', 'org_baoshan_canteen'), invitationId: idParam('invitationId', 'inv_x') });
export const locationParams = z.object({ id: idParam('id', 'org_baoshan_canteen'), locationId: idParam('locationId', 'loc_x') });

/** Profile fields an owner may set; verification, credit terms and kind are the platform's. */
const profileFields = {
  nameEn: optionalText(200),
  contactPhone: phone.nullish(),
  /** The Shanghai district the buyer is in (delivery zone, impact by district). */
  districtId: optionalText(64),
  invoiceTitle: optionalText(200),
  taxId: taxId.nullish(),
  annualTargetFen: fen.optional().openapi({ description: 'Yearly consumption-assistance target in fen' }),
  pickupAddress: optionalText(300),
  storyZh: optionalMultilineText(4000),
  storyEn: optionalMultilineText(4000),
};

export const createOrganizationSchema = z
  .object({
    kind: z.enum(CREATABLE_KINDS),
    name: text(100),
    ...profileFields,
    countyId: optionalText(64).openapi({ description: 'Cooperatives: the county they are bound to (required)' }),
    certificationNo: optionalText(100).openapi({ description: 'Cooperatives: certification number (required)' }),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.kind === 'cooperative') {
      if (!value.countyId) ctx.addIssue({ code: 'custom', path: ['countyId'], message: 'A cooperative must name its county' });
      if (!value.certificationNo) {
        ctx.addIssue({ code: 'custom', path: ['certificationNo'], message: 'A cooperative must give its certification number' });
      }
    } else {
      if (value.countyId) ctx.addIssue({ code: 'custom', path: ['countyId'], message: 'Only cooperatives are bound to a county' });
      if (value.certificationNo) {
        ctx.addIssue({ code: 'custom', path: ['certificationNo'], message: 'Only cooperatives carry a certification number' });
      }
    }
  })
  .openapi('CreateOrganization');
export type CreateOrganizationInput = z.infer<typeof createOrganizationSchema>;

export const updateOrganizationSchema = z
  .object(profileFields)
  .strict()
  .openapi('UpdateOrganization', {
    description:
      'Profile fields only. The name, kind, county and certification (what the platform verified), the status and the credit terms are not changed here; unknown fields are rejected.',
  });
export type UpdateOrganizationInput = z.infer<typeof updateOrganizationSchema>;

export const organizationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    nameEn: z.string().nullable(),
    kind: z.enum(ORGANIZATION_KINDS),
    status: z.enum(ORGANIZATION_STATUSES),
    contactPhone: z.string().nullable(),
    districtId: z.string().nullable(),
    countyId: z.string().nullable(),
    certificationNo: z.string().nullable(),
    invoiceTitle: z.string().nullable(),
    taxId: z.string().nullable(),
    annualTargetFen: z.number().int(),
    paymentTermsDays: z.number().int(),
    creditLimitFen: z.number().int(),
    pickupAddress: z.string().nullable(),
    storyZh: z.string().nullable(),
    storyEn: z.string().nullable(),
    createdAt: z.string().openapi({ format: 'date-time' }),
    verifiedAt: z.string().nullable().openapi({ format: 'date-time' }),
    capabilities: z.object({
      invoiceTerms: z.boolean().openapi({ description: 'Verified buyer with payment terms and a credit limit' }),
      publishProducts: z.boolean().openapi({ description: 'Verified cooperative' }),
    }),
    /** The caller's role here; null for an admin who is not a member. */
    myRole: z.enum(MEMBER_ROLES).nullable(),
  })
  .openapi('Organization');

export const memberSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    name: z.string(),
    email: z.string(),
    role: z.enum(MEMBER_ROLES),
    perOrderLimitFen: z.number().int().nullable(),
    joinedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Member');

export const updateMemberSchema = z
  .object({
    role: z.enum(MEMBER_ROLES).optional(),
    perOrderLimitFen: fen.nullable().optional().openapi({ description: "A purchaser's per-order limit in fen; null removes it" }),
  })
  .strict()
  .refine((v) => v.role !== undefined || v.perOrderLimitFen !== undefined, { message: 'Give a role or a perOrderLimitFen' })
  .openapi('UpdateMember');
export type UpdateMemberInput = z.infer<typeof updateMemberSchema>;

export const INVITATION_STATUSES = ['pending', 'accepted', 'canceled'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

export const createInvitationSchema = z
  .object({
    email: z.string().trim().toLowerCase().pipe(z.email().max(254)),
    role: z.enum(MEMBER_ROLES),
  })
  .strict()
  .openapi('CreateInvitation');
export type CreateInvitationInput = z.infer<typeof createInvitationSchema>;

export const invitationSchema = z
  .object({
    id: z.string(),
    organizationId: z.string(),
    organizationName: z.string(),
    email: z.string(),
    role: z.enum(MEMBER_ROLES),
    status: z.enum(INVITATION_STATUSES),
    expired: z.boolean(),
    expiresAt: z.string().openapi({ format: 'date-time' }),
    createdAt: z.string().openapi({ format: 'date-time' }),
    link: z.string().openapi({ description: 'The page the invited person opens to accept (the id is the secret)' }),
  })
  .openapi('Invitation');

export const acceptedInvitationSchema = z
  .object({ organizationId: z.string(), memberId: z.string(), role: z.enum(MEMBER_ROLES) })
  .openapi('AcceptedInvitation');

const locationFields = {
  label: text(100),
  recipient: text(100),
  phone,
  districtId: text(64),
  street: text(300),
  receivingHours: optionalText(200),
  isDefault: z.boolean().optional(),
};

export const createLocationSchema = z.object(locationFields).strict().openapi('CreateDeliveryLocation');
export type CreateLocationInput = z.infer<typeof createLocationSchema>;
export const updateLocationSchema = z
  .object({
    label: locationFields.label.optional(),
    recipient: locationFields.recipient.optional(),
    phone: phone.optional(),
    districtId: locationFields.districtId.optional(),
    street: locationFields.street.optional(),
    receivingHours: locationFields.receivingHours,
    isDefault: locationFields.isDefault,
  })
  .strict()
  .openapi('UpdateDeliveryLocation');
export type UpdateLocationInput = z.infer<typeof updateLocationSchema>;

export const locationSchema = z
  .object({
    id: z.string(),
    organizationId: z.string(),
    label: z.string(),
    recipient: z.string(),
    phone: z.string(),
    districtId: z.string(),
    street: z.string(),
    receivingHours: z.string().nullable(),
    isDefault: z.boolean(),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('DeliveryLocation');

export const meSchema = z
  .object({
    user: z.object({
      id: z.string(),
      email: z.string(),
      name: z.string(),
      isAdmin: z.boolean(),
    }),
    memberships: z.array(
      z.object({
        organizationId: z.string(),
        organizationName: z.string(),
        kind: z.enum(ORGANIZATION_KINDS),
        status: z.enum(ORGANIZATION_STATUSES),
        role: z.enum(MEMBER_ROLES),
        countyId: z.string().nullable().openapi({ description: 'Cooperatives: their county' }),
        perOrderLimitFen: z.number().int().nullable(),
      }),
    ),
  })
  .openapi('Me');

export const creditTermsSchema = z
  .object({
    paymentTermsDays: z.number().int().min(0).max(180).openapi({ description: 'Days to pay an invoice; 0 withdraws terms' }),
    creditLimitFen: fen.openapi({ description: 'Most the organisation may owe on open invoices, in fen' }),
  })
  .strict()
  .openapi('CreditTerms');
export type CreditTermsInput = z.infer<typeof creditTermsSchema>;

export const adminListQuery = z.object({
  status: z.enum(ORGANIZATION_STATUSES).optional().openapi({ param: { name: 'status', in: 'query' } }),
  kind: z.enum(ORGANIZATION_KINDS).optional().openapi({ param: { name: 'kind', in: 'query' } }),
});
