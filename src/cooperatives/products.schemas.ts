import { z } from '@hono/zod-openapi';
import { EDITABLE_PRODUCT_STATUSES, PRODUCT_CATEGORIES, PRODUCT_STATUSES } from '../db/schema';
import { MAX_LINE_QUANTITY } from '../pricing';
import { textField } from '../lib/text';
import { MAX_PRICE_TIERS } from './product-rules';

/** Limits shared by the JSON API, the portal forms and the CSV import, so all three agree. */
export const LIMITS = {
  maxPriceFen: 100_000_000,
  maxStock: 10_000_000,
  maxShelfLifeDays: 3650,
} as const;

export const skuSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$/, 'SKU: 2–40 letters, digits, dot, dash or underscore')
  .openapi({ example: 'XW-HAM-001' });

export const priceTierSchema = z
  .object({
    minQuantity: z.number().int().min(2).max(MAX_LINE_QUANTITY),
    unitPriceFen: z.number().int().min(1).max(LIMITS.maxPriceFen),
  })
  .openapi('PriceTier');

const text = (max: number) => textField({ max });
const multilineText = (max: number) => textField({ max, multiline: true });
const required = (max: number) => textField({ max, min: 1 });

/** Every editable field of a product; create requires the core ones, PATCH accepts any subset. */
const editableFields = {
  nameZh: required(120).openapi({ example: '宣威火腿（整只）' }),
  nameEn: required(120).openapi({ example: 'Xuanwei Ham — Whole Leg' }),
  descriptionZh: multilineText(4000),
  descriptionEn: multilineText(4000),
  category: z.enum(PRODUCT_CATEGORIES),
  unitZh: required(20).openapi({ example: '只' }),
  unitEn: required(20).openapi({ example: 'leg' }),
  specZh: text(120),
  specEn: text(120),
  unitPriceFen: z.number().int().min(1).max(LIMITS.maxPriceFen).openapi({ example: 59800 }),
  priceTiers: z.array(priceTierSchema).max(MAX_PRICE_TIERS),
  minOrderQuantity: z.number().int().min(1).max(MAX_LINE_QUANTITY),
  orderStep: z.number().int().min(1).max(MAX_LINE_QUANTITY),
  certificationNo: text(60).nullable(),
  shelfLifeDays: z.number().int().min(1).max(LIMITS.maxShelfLifeDays).nullable(),
  storageZh: text(200),
  storageEn: text(200),
  status: z.enum(['draft', 'published']),
};

export const createProductSchema = z
  .object({
    cooperativeId: z.string().min(1).max(80),
    sku: skuSchema.optional().openapi({ description: 'Generated when omitted' }),
    ...editableFields,
    descriptionZh: editableFields.descriptionZh.default(''),
    descriptionEn: editableFields.descriptionEn.default(''),
    specZh: editableFields.specZh.default(''),
    specEn: editableFields.specEn.default(''),
    priceTiers: editableFields.priceTiers.default([]),
    minOrderQuantity: editableFields.minOrderQuantity.default(1),
    orderStep: editableFields.orderStep.default(1),
    stock: z.number().int().min(0).max(LIMITS.maxStock).default(0),
    certificationNo: editableFields.certificationNo.optional(),
    shelfLifeDays: editableFields.shelfLifeDays.optional(),
    storageZh: editableFields.storageZh.default(''),
    storageEn: editableFields.storageEn.default(''),
    status: editableFields.status.default('draft'),
  })
  .strict()
  .openapi('CreateProduct');
export type CreateProductInput = z.infer<typeof createProductSchema>;

export const updateProductSchema = z
  .object({ sku: skuSchema, ...editableFields, status: z.enum(EDITABLE_PRODUCT_STATUSES) })
  .partial()
  .strict()
  .openapi('UpdateProduct');
export type UpdateProductInput = z.infer<typeof updateProductSchema>;

export const stockAdjustmentSchema = z
  .object({
    delta: z
      .number()
      .int()
      .min(-LIMITS.maxStock)
      .max(LIMITS.maxStock)
      .refine((n) => n !== 0, 'A stock adjustment changes the stock'),
    reason: textField({ min: 2, max: 200 }).openapi({ example: '盘点：破损 2 只' }),
  })
  .strict()
  .openapi('StockAdjustmentInput');

export const productImageSchema = z
  .object({
    id: z.string(),
    url: z.string().openapi({ example: '/photos/products/prd_x/img_y.jpg' }),
    thumbnailUrl: z.string().openapi({ example: '/photos/products/prd_x/img_y.jpg?size=thumb' }),
    r2Key: z.string(),
    contentType: z.string(),
    byteSize: z.number().int(),
    position: z.number().int(),
  })
  .openapi('ProductImage');

export const portalProductSchema = z
  .object({
    id: z.string(),
    sku: z.string(),
    cooperativeId: z.string(),
    countyId: z.string(),
    category: z.enum(PRODUCT_CATEGORIES),
    nameZh: z.string(),
    nameEn: z.string(),
    descriptionZh: z.string(),
    descriptionEn: z.string(),
    unitZh: z.string(),
    unitEn: z.string(),
    specZh: z.string(),
    specEn: z.string(),
    unitPriceFen: z.number().int(),
    priceTiers: z.array(priceTierSchema),
    minOrderQuantity: z.number().int(),
    orderStep: z.number().int(),
    stock: z.number().int(),
    status: z.enum(PRODUCT_STATUSES),
    certificationNo: z.string().nullable(),
    shelfLifeDays: z.number().int().nullable(),
    storageZh: z.string(),
    storageEn: z.string(),
    imageUrl: z.string().nullable(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi('PortalProduct');

export const stockAdjustmentViewSchema = z
  .object({
    id: z.string(),
    delta: z.number().int(),
    reason: z.string(),
    stockAfter: z.number().int(),
    actorUserId: z.string().nullable(),
    createdAt: z.number().int(),
  })
  .openapi('StockAdjustment');
