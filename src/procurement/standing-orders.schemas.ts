import { z } from '@hono/zod-openapi';
import { OCCURRENCE_FAILURE_RULES, OCCURRENCE_STATUSES, PAYMENT_METHODS, STANDING_CADENCES, STANDING_ORDER_STATUSES } from '../db/schema';
import { calendarDaySchema } from '../lib/calendar-day';
import { contactSchema, deliverySchema, orderItemSchema } from '../orders';
import { organizationParams } from './procurement.schemas';

/** Request and response shapes of standing orders (定期供货). */

const day = calendarDaySchema.openapi({ description: 'A Shanghai calendar day, YYYY-MM-DD', example: '2026-12-07' });

export const standingOrderParams = organizationParams.extend({
  standingOrderId: z.string().min(1).max(64).openapi({ param: { name: 'standingOrderId', in: 'path' }, example: 'sto_x' }),
});
export const occurrenceParams = standingOrderParams.extend({
  date: day.openapi({ param: { name: 'date', in: 'path' } }),
});

export const scheduleSchema = z
  .discriminatedUnion('cadence', [
    z.object({
      cadence: z.literal('weekly'),
      weekdays: z
        .array(z.number().int().min(1).max(7))
        .min(1)
        .max(7)
        .refine((days) => new Set(days).size === days.length, 'Each weekday once')
        .openapi({ description: 'ISO weekdays: 1 Monday … 7 Sunday', example: [1, 4] }),
    }),
    z.object({
      cadence: z.literal('monthly'),
      monthDay: z.number().int().min(1).max(31).openapi({ description: 'Day of the month; a shorter month uses its last day', example: 31 }),
    }),
  ])
  .openapi('StandingSchedule');

export const createStandingOrderSchema = z
  .object({
    title: z.string().trim().min(1).max(100).openapi({ example: '每周大米食用油' }),
    items: z.array(orderItemSchema).min(1).max(50),
    schedule: scheduleSchema,
    startDate: day,
    endDate: day.nullable().optional(),
    delivery: deliverySchema,
    contact: contactSchema,
    paymentMethod: z.enum(PAYMENT_METHODS),
    priceTolerancePercent: z
      .number()
      .int()
      .min(0)
      .max(100)
      .default(0)
      .openapi({ description: 'An occurrence whose unit price rose more than this above the price when the line was set up waits for the buyer' }),
  })
  .openapi('CreateStandingOrder');
export type CreateStandingOrderInput = z.infer<typeof createStandingOrderSchema>;

export const skipSchema = z.object({ date: day }).openapi('SkipOccurrence');
export const retrySchema = z
  .object({ acceptPriceChange: z.boolean().default(false).openapi({ description: 'Place even though prices rose beyond the tolerance' }) })
  .openapi('RetryOccurrence');

const occurrenceSchema = z
  .object({
    date: z.string(),
    status: z.enum(OCCURRENCE_STATUSES),
    orderId: z.string().nullable(),
    approvalId: z.string().nullable(),
    failureRule: z.enum(OCCURRENCE_FAILURE_RULES).nullable(),
    failureDetail: z.string().nullable(),
    updatedAt: z.number().int(),
  })
  .openapi('StandingOccurrence');
export type OccurrenceView = z.infer<typeof occurrenceSchema>;

export const standingOrderSchema = z
  .object({
    id: z.string(),
    organizationId: z.string(),
    title: z.string(),
    status: z.enum(STANDING_ORDER_STATUSES),
    schedule: z.object({ cadence: z.enum(STANDING_CADENCES), weekdays: z.array(z.number().int()).nullable(), monthDay: z.number().int().nullable() }),
    startDate: z.string(),
    endDate: z.string().nullable(),
    delivery: deliverySchema,
    contact: contactSchema,
    paymentMethod: z.enum(PAYMENT_METHODS),
    priceTolerancePercent: z.number().int(),
    lines: z.array(
      z.object({ productId: z.string(), sku: z.string(), nameZh: z.string(), nameEn: z.string(), quantity: z.number().int(), referenceUnitPriceFen: z.number().int() }),
    ),
    createdBy: z.object({ userId: z.string(), name: z.string() }),
    upcoming: z.array(z.object({ date: z.string(), skipped: z.boolean() })).openapi({ description: 'The next scheduled days (up to 8, within the end date)' }),
    occurrences: z.array(occurrenceSchema).openapi({ description: 'Days already placed, skipped or waiting for the buyer, newest first (up to 30)' }),
    createdAt: z.number().int(),
  })
  .openapi('StandingOrder');
export type StandingOrderView = z.infer<typeof standingOrderSchema>;

export const standingOrderListSchema = z.object({ items: z.array(standingOrderSchema) }).openapi('StandingOrderList');

export const demandQuerySchema = z.object({
  days: z.coerce.number().int().min(1).max(92).default(28).openapi({ param: { name: 'days', in: 'query' }, description: 'How many days ahead, from today (Shanghai)' }),
});

export const standingDemandSchema = z
  .object({
    cooperativeId: z.string(),
    from: z.string(),
    to: z.string(),
    items: z.array(z.object({ date: z.string(), productId: z.string(), sku: z.string(), nameZh: z.string(), nameEn: z.string(), quantity: z.number().int() })),
    totals: z.array(z.object({ productId: z.string(), sku: z.string(), nameZh: z.string(), nameEn: z.string(), quantity: z.number().int() })),
  })
  .openapi('StandingDemand');
export type StandingDemand = z.infer<typeof standingDemandSchema>;
