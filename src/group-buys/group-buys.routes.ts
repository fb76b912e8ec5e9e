import { createRoute, z } from '@hono/zod-openapi';
import { GROUP_BUY_STATUSES, PARTICIPANT_STATUSES } from '../db/schema';
import { errorResponses } from '../lib/errors';
import { cursorSchema, pageSchema } from '../lib/pagination';
import { MAX_LINE_QUANTITY } from '../pricing';
import { JOIN_PAYMENT_METHODS } from './group-buys.join';
import { textField } from '../lib/text';

const tags = ['Group buys'];
const json = <T extends z.ZodTypeAny>(schema: T) => ({ 'application/json': { schema } });
const jsonBody = <T extends z.ZodTypeAny>(schema: T) => ({ content: json(schema), required: true });

const id = z.string().min(1).max(64);
const idParams = z.object({ id: id.openapi({ param: { name: 'id', in: 'path' }, example: 'gb_7m2k9q4x8r1t5v3w6y0z' }) });
const participantParams = idParams.extend({
  participantId: id.openapi({ param: { name: 'participantId', in: 'path' } }),
});
const tokenQuery = z.object({
  token: z.string().min(1).max(128).openapi({ param: { name: 'token', in: 'query' }, description: 'The accessToken returned when joining' }),
});

/** Chinese mobile numbers, with or without +86 and separators. */
export const phoneSchema = z
  .string()
  .trim()
  .transform((raw) => raw.replace(/[\s-]/g, '').replace(/^(\+?86)/, ''))
  .pipe(z.string().regex(/^1[3-9]\d{9}$/, 'A mainland mobile number of 11 digits'));

export const createGroupBuySchema = z
  .object({
    organizationId: id,
    title: textField({ min: 2, max: 80 }),
    description: textField({ max: 2000, multiline: true }).optional(),
    closesAt: z.iso.datetime({ offset: true }).openapi({ example: '2026-11-20T18:00:00+08:00' }),
    pickupStartsAt: z.iso
      .datetime({ offset: true })
      .openapi({ example: '2026-11-21T10:00:00+08:00', description: 'Start of the pickup window; after the deadline' }),
    pickupEndsAt: z.iso
      .datetime({ offset: true })
      .openapi({ example: '2026-11-21T12:00:00+08:00', description: 'End of the pickup window; after its start' }),
    pickupOrganizationId: id,
    minParticipants: z.number().int().positive().max(100_000).optional(),
    minQuantity: z.number().int().positive().max(10_000_000).optional(),
    capacity: z.number().int().positive().max(100_000).optional(),
    repeatWeekly: z.boolean().optional().openapi({ description: 'Once this group closes, open the same group a week on (deadline and pickup window + 7 days)' }),
    items: z
      .array(
        z.object({
          productId: id,
          unitPriceFen: z.number().int().positive().max(100_000_000).optional().openapi({ description: 'Group price; defaults to the list price and may not exceed it' }),
          maxQuantity: z.number().int().positive().max(MAX_LINE_QUANTITY).optional().openapi({ description: 'Cap on units sold of this product in the group' }),
        }),
      )
      .min(1)
      .max(30),
  })
  .openapi('CreateGroupBuy');

export const joinSchema = z
  .object({
    name: textField({ min: 1, max: 40 }),
    phone: phoneSchema.openapi({ example: '13812345678' }),
    items: z
      .array(z.object({ productId: id, quantity: z.number().int().positive().max(MAX_LINE_QUANTITY) }))
      .min(1)
      .max(30),
    paymentMethod: z.enum(JOIN_PAYMENT_METHODS),
  })
  .openapi('JoinGroupBuy');

export const pickupSchema = z
  .object({
    pickupCode: z.string().trim().min(1).max(20),
    items: z
      .array(z.object({ productId: id, quantity: z.number().int().nonnegative().max(MAX_LINE_QUANTITY) }))
      .min(1)
      .max(30)
      .optional()
      .openapi({ description: 'Hand over only these quantities (partial pickup); omitted = everything left' }),
  })
  .openapi('Pickup');

const groupBuySchema = z
  .object({
    id: z.string(),
    shortCode: z.string(),
    shareUrl: z.string(),
    title: z.string(),
    description: z.string(),
    status: z.enum(GROUP_BUY_STATUSES),
    joinable: z.boolean(),
    organizer: z.object({ id: z.string(), name: z.string(), nameEn: z.string().nullable() }),
    pickup: z.object({ id: z.string(), name: z.string(), nameEn: z.string().nullable(), address: z.string().nullable(), phone: z.string().nullable() }),
    closesAt: z.string(),
    pickupWindow: z
      .object({ startsAt: z.string(), endsAt: z.string() })
      .nullable()
      .openapi({ description: 'When residents collect; null only for groups created before pickup windows existed' }),
    secondsLeft: z.number().int(),
    closedAt: z.string().nullable(),
    closedReason: z.string().nullable(),
    minParticipants: z.number().int().nullable(),
    minQuantity: z.number().int().nullable(),
    capacity: z.number().int().nullable(),
    repeatWeekly: z.boolean(),
    repeatedFromId: z.string().nullable(),
    progress: z.object({
      participants: z.number().int().openapi({ description: 'Places taken (including checkouts not yet paid)' }),
      quantity: z.number().int(),
      committedParticipants: z.number().int().openapi({ description: 'Paid or paying at pickup: what the thresholds count' }),
      committedQuantity: z.number().int(),
    }),
    items: z.array(
      z.object({
        productId: z.string(),
        sku: z.string(),
        nameZh: z.string(),
        nameEn: z.string(),
        unitZh: z.string(),
        unitEn: z.string(),
        specZh: z.string(),
        specEn: z.string(),
        cooperativeId: z.string(),
        category: z.string(),
        groupPriceFen: z.number().int(),
        listPriceFen: z.number().int(),
        maxQuantity: z.number().int().nullable(),
        soldQuantity: z.number().int(),
        remaining: z.number().int(),
        minOrderQuantity: z.number().int(),
        orderStep: z.number().int(),
      }),
    ),
    createdAt: z.string(),
  })
  .openapi('GroupBuy');

const participantSchema = z
  .object({
    participantId: z.string(),
    groupBuyId: z.string(),
    name: z.string(),
    phone: z.string().openapi({ description: 'Masked' }),
    pickupCode: z.string(),
    status: z.enum(PARTICIPANT_STATUSES),
    paymentMethod: z.enum(JOIN_PAYMENT_METHODS),
    totalFen: z.number().int(),
    items: z.array(
      z.object({
        productId: z.string(),
        nameZh: z.string(),
        nameEn: z.string(),
        unitZh: z.string(),
        unitEn: z.string(),
        quantity: z.number().int(),
        pickedUpQuantity: z.number().int(),
        unitPriceFen: z.number().int(),
        lineTotalFen: z.number().int(),
      }),
    ),
    payment: z
      .object({
        id: z.string(),
        method: z.string(),
        status: z.string(),
        amountFen: z.number().int(),
        checkoutUrl: z.string().nullable(),
        expiresAt: z.string().nullable(),
      })
      .nullable(),
    refund: z.object({ status: z.string(), amountFen: z.number().int() }).nullable(),
    meUrl: z.string(),
    createdAt: z.string(),
    paidAt: z.string().nullable(),
    pickedUpAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
  })
  .openapi('GroupBuyParticipant');

const joinedSchema = participantSchema.extend({ accessToken: z.string() }).openapi('GroupBuyJoined');

const pickupRowSchema = participantSchema.omit({ meUrl: true }).openapi('PickupListRow');

export const create = createRoute({
  method: 'post',
  path: '/group-buys',
  tags,
  summary: 'Open a group buy (owner or purchaser of a verified canteen, enterprise or showroom)',
  request: { body: jsonBody(createGroupBuySchema) },
  responses: { 201: { description: 'Created', content: json(groupBuySchema) }, ...errorResponses },
});

export const list = createRoute({
  method: 'get',
  path: '/group-buys',
  tags,
  summary: "Group buys the caller's organisations organise or host as pickup point",
  request: {
    query: z.object({
      organizationId: id.optional().openapi({ param: { name: 'organizationId', in: 'query' } }),
      status: z.enum(GROUP_BUY_STATUSES).optional().openapi({ param: { name: 'status', in: 'query' } }),
      limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ param: { name: 'limit', in: 'query' } }),
      cursor: cursorSchema,
    }),
  },
  responses: { 200: { description: 'A page of group buys', content: json(pageSchema(groupBuySchema)) }, ...errorResponses },
});

export const get = createRoute({
  method: 'get',
  path: '/group-buys/{id}',
  tags,
  summary: 'A group buy: status, items, progress toward the thresholds, time left (public)',
  request: { params: idParams },
  responses: { 200: { description: 'The group buy', content: json(groupBuySchema) }, ...errorResponses },
});

export const join = createRoute({
  method: 'post',
  path: '/group-buys/{id}/participants',
  tags,
  summary: 'Join a group buy (no sign-in needed); reserves stock; Stripe checkout or pay at pickup',
  request: {
    params: idParams,
    headers: z.object({ 'idempotency-key': z.string().max(255).optional().openapi({ param: { name: 'idempotency-key', in: 'header' }, description: 'Same key and body: the same participant, created once' }) }),
    body: jsonBody(joinSchema),
  },
  responses: {
    201: { description: 'Joined: keep the accessToken, show the pickup code', content: json(joinedSchema) },
    200: { description: 'Replay of an earlier request with the same Idempotency-Key', content: json(joinedSchema) },
    ...errorResponses,
    502: { description: 'The payment provider failed; nothing was reserved', content: errorResponses[409].content },
  },
});

export const participant = createRoute({
  method: 'get',
  path: '/group-buys/{id}/participants/{participantId}',
  tags,
  summary: "A participant's own view (pickup code, items, payment), with the access token",
  request: { params: participantParams, query: tokenQuery },
  responses: { 200: { description: 'The participant', content: json(participantSchema) }, ...errorResponses },
});

export const cancel = createRoute({
  method: 'post',
  path: '/group-buys/{id}/participants/{participantId}/cancel',
  tags,
  summary: 'A participant cancels before the deadline: refund if paid, stock released',
  request: { params: participantParams, query: tokenQuery },
  responses: { 200: { description: 'Cancelled (or refunded)', content: json(participantSchema) }, ...errorResponses },
});

export const close = createRoute({
  method: 'post',
  path: '/group-buys/{id}/close',
  tags,
  summary: 'Close now (organiser owner/purchaser or admin): succeeded or failed by the thresholds',
  request: { params: idParams },
  responses: { 200: { description: 'Closed', content: json(groupBuySchema) }, ...errorResponses },
});

export const pickup = createRoute({
  method: 'post',
  path: '/group-buys/{id}/pickups',
  tags,
  summary: 'Pickup desk: hand over goods for a pickup code (all or part; pay-at-pickup becomes paid)',
  request: {
    params: idParams,
    headers: z.object({
      'idempotency-key': z
        .string()
        .max(255)
        .optional()
        .openapi({ param: { name: 'idempotency-key', in: 'header' }, description: 'A retry with the same key and body hands over once' }),
    }),
    body: jsonBody(pickupSchema),
  },
  responses: { 200: { description: 'Handed over', content: json(participantSchema.omit({ meUrl: true })) }, ...errorResponses },
});

export const pickupLookup = createRoute({
  method: 'get',
  path: '/group-buys/{id}/pickups/{code}',
  tags,
  summary: 'Pickup desk: who holds this pickup code and what is left to hand over',
  request: { params: idParams.extend({ code: z.string().min(1).max(20).openapi({ param: { name: 'code', in: 'path' } }) }) },
  responses: { 200: { description: 'The participant', content: json(pickupRowSchema) }, ...errorResponses },
});

export const pickupListRoute = createRoute({
  method: 'get',
  path: '/group-buys/{id}/pickup-list',
  tags,
  summary: 'Pickup list for the organiser and the pickup point: JSON pages, or all of it as text/csv (Accept or ?format=csv)',
  request: {
    params: idParams,
    query: z.object({
      format: z.enum(['json', 'csv']).optional().openapi({ param: { name: 'format', in: 'query' } }),
      limit: z.coerce.number().int().min(1).max(80).default(50).openapi({ param: { name: 'limit', in: 'query' } }),
      cursor: cursorSchema,
    }),
  },
  responses: {
    200: {
      description: 'The pickup list',
      content: { ...json(pageSchema(pickupRowSchema)), 'text/csv': { schema: z.string() } },
    },
    ...errorResponses,
  },
});

const tallySchema = z
  .object({
    handedOver: z.number().int().openapi({ description: '已提: everything collected' }),
    partial: z.number().int().openapi({ description: '部分: some collected' }),
    waiting: z.number().int().openapi({ description: '未提: nothing collected yet' }),
  })
  .openapi('PickupTally');

export const pickupTally = createRoute({
  method: 'get',
  path: '/group-buys/{id}/pickup-tally',
  tags,
  summary: 'Pickup desk: how many participants collected everything, part, nothing',
  request: { params: idParams },
  responses: { 200: { description: 'The tally', content: json(tallySchema) }, ...errorResponses },
});

export const pickupByPhoneTail = createRoute({
  method: 'get',
  path: '/group-buys/{id}/pickups',
  tags,
  summary: 'Pickup desk: participants whose phone ends in these 4 digits (for a lost code)',
  request: {
    params: idParams,
    query: z.object({ phoneTail: z.string().openapi({ param: { name: 'phoneTail', in: 'query' }, example: '5678' }) }),
  },
  responses: { 200: { description: 'Matches, at most 20', content: json(z.object({ items: z.array(pickupRowSchema) })) }, ...errorResponses },
});

export const revealPhone = createRoute({
  method: 'post',
  path: '/group-buys/{id}/participants/{participantId}/phone',
  tags,
  summary: "Pickup desk: a participant's full phone number, to call them back (written to the audit log)",
  request: { params: participantParams },
  responses: { 200: { description: 'The full number', content: json(z.object({ phone: z.string() }).openapi('RevealedPhone')) }, ...errorResponses },
});

const myJoinSchema = z
  .object({
    participantId: z.string(),
    status: z.enum(['pending_payment', 'paid', 'picked_up', 'refunded', 'cancelled']),
    pickupCode: z.string(),
    totalFen: z.number().int(),
    joinedAt: z.number().int(),
    groupBuyId: z.string(),
    title: z.string(),
    shortCode: z.string(),
    groupStatus: z.enum(['open', 'succeeded', 'failed']),
    closesAt: z.number().int(),
    pickupWindow: z.object({ startsAt: z.string(), endsAt: z.string() }).nullable(),
    pickupName: z.string(),
    pickupNameEn: z.string().nullable(),
    participantPath: z.string().openapi({ description: 'The participant page, with its access token' }),
  })
  .openapi('MyGroupBuyJoin');

export const myJoinsRoute = createRoute({
  method: 'get',
  path: '/me/group-buys',
  tags,
  summary: 'Your group-buy joins (找回我的参团): those made while signed in, and a guest’s joins once you verified their phone number',
  responses: { 200: { description: 'Newest first (50)', content: json(z.object({ items: z.array(myJoinSchema) })) }, ...errorResponses },
});
