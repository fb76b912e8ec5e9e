import { createRoute, z } from '@hono/zod-openapi';
import { PAIRING_KINDS } from '../db/schema';
import { calendarDaySchema } from '../lib/calendar-day';
import { errorResponses } from '../lib/errors';
import { cursorSchema, limitSchema, pageSchema } from '../lib/pagination';
import { adminOnly } from './admin-access';
import { textField } from '../lib/text';

const slug = z
  .string()
  .min(2)
  .max(40)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Lower-case letters and digits, words joined by dashes');
const name = textField({ min: 1, max: 60 });
const note = textField({ max: 1000, multiline: true });

export const districtInputSchema = z
  .object({
    id: slug.openapi({ example: 'pudong' }),
    nameZh: name.openapi({ example: '浦东新区' }),
    nameEn: name.openapi({ example: 'Pudong New Area' }),
    pairingNoteZh: note.optional(),
    pairingNoteEn: note.optional(),
    sortOrder: z.number().int().min(0).max(10_000).optional(),
  })
  .strict()
  .openapi('DistrictInput');

export const districtPatchSchema = districtInputSchema
  .omit({ id: true })
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'Send at least one field to change')
  .openapi('DistrictPatch');

export const countyInputSchema = z
  .object({
    id: slug.openapi({ example: 'lancang' }),
    nameZh: name.openapi({ example: '澜沧县' }),
    nameEn: name.openapi({ example: 'Lancang County' }),
    prefectureZh: name,
    prefectureEn: name,
    provinceZh: name,
    provinceEn: name,
    districtId: slug.nullable().openapi({ description: 'Paired Shanghai district; null when Shanghai supports the county as a whole' }),
    pairingKind: z.enum(PAIRING_KINDS),
    summaryZh: note.optional(),
    summaryEn: note.optional(),
  })
  .strict()
  .openapi('CountyInput');

export const countyPatchSchema = countyInputSchema
  .omit({ id: true })
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'Send at least one field to change')
  .openapi('CountyPatch');

const districtSchema = z
  .object({ id: z.string(), nameZh: z.string(), nameEn: z.string(), pairingNoteZh: z.string(), pairingNoteEn: z.string(), sortOrder: z.number().int() })
  .openapi('District');
const countySchema = z
  .object({
    id: z.string(),
    nameZh: z.string(),
    nameEn: z.string(),
    prefectureZh: z.string(),
    prefectureEn: z.string(),
    provinceZh: z.string(),
    provinceEn: z.string(),
    districtId: z.string().nullable(),
    pairingKind: z.enum(PAIRING_KINDS),
    summaryZh: z.string(),
    summaryEn: z.string(),
  })
  .openapi('County');

const idParam = z.object({ id: slug.openapi({ param: { name: 'id', in: 'path' } }) });
const json = <T extends z.ZodTypeAny>(schema: T) => ({ content: { 'application/json': { schema } } });
const adminErrors = { 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403] };

export const createDistrict = createRoute({
  method: 'post',
  path: '/admin/districts',
  tags: ['Admin'],
  middleware: [adminOnly] as const,
  summary: 'Add a Shanghai district (admin, audited)',
  request: { body: { required: true, ...json(districtInputSchema) } },
  responses: { 201: { description: 'Created', ...json(districtSchema) }, ...adminErrors, 409: errorResponses[409] },
});

export const updateDistrict = createRoute({
  method: 'patch',
  path: '/admin/districts/{id}',
  tags: ['Admin'],
  middleware: [adminOnly] as const,
  summary: "Edit a district's names, pairing note or order (admin, audited)",
  request: { params: idParam, body: { required: true, ...json(districtPatchSchema) } },
  responses: { 200: { description: 'Updated', ...json(districtSchema) }, ...adminErrors, 404: errorResponses[404] },
});

export const createCounty = createRoute({
  method: 'post',
  path: '/admin/counties',
  tags: ['Admin'],
  middleware: [adminOnly] as const,
  summary: 'Add a county with its pairing (admin, audited)',
  request: { body: { required: true, ...json(countyInputSchema) } },
  responses: { 201: { description: 'Created', ...json(countySchema) }, ...adminErrors, 409: errorResponses[409] },
});

export const updateCounty = createRoute({
  method: 'patch',
  path: '/admin/counties/{id}',
  tags: ['Admin'],
  middleware: [adminOnly] as const,
  summary: 'Edit a county: names, move to another district, pairing kind (admin, audited)',
  description: "Moving a county moves its cooperatives' district and its impact history (sales_daily) with it.",
  request: { params: idParam, body: { required: true, ...json(countyPatchSchema) } },
  responses: { 200: { description: 'Updated', ...json(countySchema) }, ...adminErrors, 404: errorResponses[404] },
});

export const auditQuerySchema = z
  .object({
    actor: z.string().trim().min(1).max(200).optional().openapi({ param: { name: 'actor', in: 'query' }, description: 'User id, or part of the name or e-mail' }),
    action: z.string().trim().min(1).max(100).optional().openapi({ param: { name: 'action', in: 'query' }, description: 'Action or its beginning, e.g. order.' }),
    entityType: z.string().trim().min(1).max(60).optional().openapi({ param: { name: 'entityType', in: 'query' } }),
    entityId: z.string().trim().min(1).max(100).optional().openapi({ param: { name: 'entityId', in: 'query' } }),
    from: calendarDaySchema.optional().openapi({ param: { name: 'from', in: 'query' }, description: 'First Shanghai day included' }),
    to: calendarDaySchema.optional().openapi({ param: { name: 'to', in: 'query' }, description: 'Last Shanghai day included' }),
    limit: limitSchema,
    cursor: cursorSchema,
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'Must not be before from' });

const auditItemSchema = z
  .object({
    id: z.string(),
    createdAt: z.number().int(),
    actorUserId: z.string().nullable(),
    actorLabel: z.string().nullable(),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    organizationId: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
  })
  .openapi('AuditEntry');

export const listAuditLog = createRoute({
  method: 'get',
  path: '/admin/audit-log',
  tags: ['Admin'],
  middleware: [adminOnly] as const,
  summary: 'The audit log, newest first, filtered (admin)',
  request: { query: auditQuerySchema },
  responses: { 200: { description: 'A page of entries', ...json(pageSchema(auditItemSchema)) }, ...adminErrors },
});
