import { z } from '@hono/zod-openapi';
import { APPROVAL_STATUSES } from '../db/schema';
import { createOrderSchema } from './orders.schemas';

/** A purchaser's order above their limit, waiting for an owner (procurement decides it; placing an order writes it). */
const person = z.object({ userId: z.string(), name: z.string() });

export const approvalSchema = z
  .object({
    id: z.string(),
    organizationId: z.string(),
    status: z.enum(APPROVAL_STATUSES),
    requestedBy: person,
    totalFen: z.number().int().openapi({ description: 'Total when requested; prices are recomputed on approval' }),
    request: createOrderSchema.openapi({ description: 'The order request, placed as it is on approval' }),
    revision: z.number().int().openapi({ description: 'How many times the purchaser changed the request while it waited; an owner approves the revision they saw' }),
    revisedAt: z.number().int().nullable(),
    decidedBy: person.nullable(),
    decisionReason: z.string().nullable(),
    orderId: z.string().nullable(),
    createdAt: z.number().int(),
    decidedAt: z.number().int().nullable(),
  })
  .openapi('PurchaseApproval');
export type ApprovalView = z.infer<typeof approvalSchema>;

