import { createRoute, z } from '@hono/zod-openapi';
import { PAIRING_KINDS, PRODUCT_CATEGORIES, ORGANIZATION_STATUSES } from '../db/schema';
import { errorResponses } from '../lib/errors';
import { cursorSchema, limitSchema, pageSchema } from '../lib/pagination';
import { PRODUCT_SORTS } from './catalog.service';

// ---------------------------------------------------------------------------------------------
// Request schemas
// ---------------------------------------------------------------------------------------------

const idParam = (name: string, example: string) =>
  z.object({
    id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' }, example, description: `${name} id` }),
  });

const optionalId = (name: string, example: string, description: string) =>
  z.string().min(1).max(64).optional().openapi({ param: { name, in: 'query' }, example, description });

const priceFen = (name: string, description: string) =>
  z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000_000_000)
    .optional()
    .openapi({ param: { name, in: 'query' }, description, example: name === 'minPriceFen' ? 1000 : 50000 });

export const productListQuerySchema = z.object({
  category: z
    .enum(PRODUCT_CATEGORIES)
    .optional()
    .openapi({ param: { name: 'category', in: 'query' }, example: 'ham' }),
  county: optionalId('county', 'xuanwei', 'County id: products of that county'),
  district: optionalId('district', 'baoshan', 'Shanghai district id: products of the counties paired with it'),
  cooperative: optionalId('cooperative', 'org_coop_xuanwei-ham', 'Cooperative (organisation) id'),
  q: z
    .string()
    .max(200)
    .optional()
    .openapi({
      param: { name: 'q', in: 'query' },
      example: '火腿',
      description: 'Full-text search in Chinese (words of one or more characters) and English (word prefixes)',
    }),
  minPriceFen: priceFen('minPriceFen', 'Lowest list unit price, in fen'),
  maxPriceFen: priceFen('maxPriceFen', 'Highest list unit price, in fen'),
  sort: z
    .enum(PRODUCT_SORTS)
    .default('newest')
    .openapi({
      param: { name: 'sort', in: 'query' },
      description: '`price` ascending, `-price` descending, `newest` first, or `popular` (units sold)',
    }),
  limit: limitSchema,
  cursor: cursorSchema,
});

const countyListQuerySchema = z.object({
  district: optionalId('district', 'jinshan', 'Only counties paired with this Shanghai district'),
  pairingKind: z
    .enum(PAIRING_KINDS)
    .optional()
    .openapi({ param: { name: 'pairingKind', in: 'query' }, example: 'collaboration' }),
  limit: limitSchema,
  cursor: cursorSchema,
});

const districtListQuerySchema = z.object({ limit: limitSchema, cursor: cursorSchema });

// ---------------------------------------------------------------------------------------------
// Response schemas (mirror the service's view types)
// ---------------------------------------------------------------------------------------------

const nameRef = z.object({ id: z.string(), nameZh: z.string(), nameEn: z.string() });

export const countySchema = nameRef
  .extend({
    prefectureZh: z.string(),
    prefectureEn: z.string(),
    provinceZh: z.string(),
    provinceEn: z.string(),
    districtId: z.string().nullable().openapi({ description: 'Paired Shanghai district; null where Shanghai supports the county as a whole' }),
    pairingKind: z.enum(PAIRING_KINDS),
    summaryZh: z.string(),
    summaryEn: z.string(),
  })
  .openapi('County');

const districtSchema = nameRef.extend({ pairingNoteZh: z.string(), pairingNoteEn: z.string() });

const districtWithCountiesSchema = districtSchema.extend({ counties: z.array(countySchema) }).openapi('District');

const countyDetailSchema = countySchema
  .extend({
    district: districtSchema.nullable(),
    cooperatives: z.array(
      nameRef.extend({ householdsBenefited: z.number().int(), certificationNo: z.string().nullable() }),
    ),
  })
  .openapi('CountyDetail');

const priceTierSchema = z
  .object({ minQuantity: z.number().int(), unitPriceFen: z.number().int() })
  .openapi('PriceTier');

export const productSummarySchema = z
  .object({
    id: z.string().openapi({ example: 'prd_xw_ham_001' }),
    sku: z.string(),
    category: z.enum(PRODUCT_CATEGORIES),
    nameZh: z.string(),
    nameEn: z.string(),
    unitZh: z.string(),
    unitEn: z.string(),
    specZh: z.string(),
    specEn: z.string(),
    unitPriceFen: z.number().int().openapi({ description: 'List price per unit, in fen' }),
    minOrderQuantity: z.number().int(),
    orderStep: z.number().int(),
    stock: z.number().int(),
    featured: z.boolean(),
    soldCount: z.number().int(),
    imageUrl: z.string().openapi({ description: 'First photo, or the generated illustration of the category' }),
    hasPhoto: z.boolean(),
    county: nameRef,
    district: nameRef.nullable(),
    cooperative: nameRef,
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('ProductSummary');

const cooperativeProfile = nameRef.extend({
  status: z.enum(ORGANIZATION_STATUSES),
  householdsBenefited: z.number().int().openapi({ description: 'Registered poor households (建档立卡贫困户) the cooperative works with' }),
  certificationNo: z.string().nullable(),
  storyZh: z.string(),
  storyEn: z.string(),
});

const productDetailSchema = productSummarySchema
  .extend({
    descriptionZh: z.string(),
    descriptionEn: z.string(),
    priceTiers: z.array(priceTierSchema),
    shelfLifeDays: z.number().int().nullable(),
    storageZh: z.string(),
    storageEn: z.string(),
    certificationNo: z.string().nullable(),
    images: z.array(z.object({ url: z.string(), contentType: z.string(), position: z.number().int() })),
    provenance: z.object({
      county: countySchema,
      district: districtSchema.nullable(),
      cooperative: cooperativeProfile,
      householdsBenefited: z.number().int(),
    }),
  })
  .openapi('ProductDetail');

const cooperativeSchema = cooperativeProfile
  .extend({ county: countySchema, district: nameRef.nullable() })
  .openapi('Cooperative');

const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

const tags = ['Catalog'];

// ---------------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------------

export const listDistricts = createRoute({
  method: 'get',
  path: '/districts',
  tags,
  summary: 'Shanghai districts with their paired counties',
  request: { query: districtListQuerySchema },
  responses: { 200: json(pageSchema(districtWithCountiesSchema), 'Districts in display order'), 400: errorResponses[400] },
});

export const listCounties = createRoute({
  method: 'get',
  path: '/counties',
  tags,
  summary: 'Paired counties',
  request: { query: countyListQuerySchema },
  responses: { 200: json(pageSchema(countySchema), 'Counties by id'), 400: errorResponses[400] },
});

export const getCounty = createRoute({
  method: 'get',
  path: '/counties/{id}',
  tags,
  summary: 'One county with its paired district and cooperatives',
  request: { params: idParam('County', 'xuanwei') },
  responses: { 200: json(countyDetailSchema, 'The county'), 400: errorResponses[400], 404: errorResponses[404] },
});

export const listProducts = createRoute({
  method: 'get',
  path: '/products',
  tags,
  summary: 'Published products: filter, search, sort, page',
  request: { query: productListQuerySchema },
  responses: { 200: json(pageSchema(productSummarySchema), 'One page of products'), 400: errorResponses[400] },
});

export const getProduct = createRoute({
  method: 'get',
  path: '/products/{id}',
  tags,
  summary: 'One published product with price tiers and provenance',
  request: { params: idParam('Product', 'prd_xw_ham_001') },
  responses: { 200: json(productDetailSchema, 'The product'), 400: errorResponses[400], 404: errorResponses[404] },
});

export const getCooperative = createRoute({
  method: 'get',
  path: '/cooperatives/{id}',
  tags,
  summary: "A cooperative's public profile",
  request: { params: idParam('Cooperative', 'org_coop_xuanwei-ham') },
  responses: { 200: json(cooperativeSchema, 'The cooperative'), 400: errorResponses[400], 404: errorResponses[404] },
});

export type ListDistrictsRoute = typeof listDistricts;
export type ListCountiesRoute = typeof listCounties;
export type GetCountyRoute = typeof getCounty;
export type ListProductsRoute = typeof listProducts;
export type GetProductRoute = typeof getProduct;
export type GetCooperativeRoute = typeof getCooperative;
