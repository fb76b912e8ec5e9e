import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, problemSchema } from '../lib/errors';
import { productImageSchema } from './products.schemas';
import { MAX_PHOTO_BYTES } from './photos.service';

const tags = ['Cooperative portal'];
const productParam = z.object({ id: z.string().min(1).max(80).openapi({ param: { name: 'id', in: 'path' } }) });
const imagesResponse = { content: { 'application/json': { schema: z.object({ items: z.array(productImageSchema) }) } }, description: 'The photos in order' };
const binary = { schema: { type: 'string' as const, format: 'binary' } };

export const upload = createRoute({
  method: 'post',
  path: '/products/{id}/images',
  tags,
  summary: 'Upload a photo (JPEG, PNG or WebP, sniffed from the bytes)',
  description: `Multipart form with the file in field \`file\`, or the raw image as the body. At most ${MAX_PHOTO_BYTES / 1024 / 1024} MiB. The first photo becomes the product's cover. Optional fields \`card\` (480 px) and \`thumb\` (160 px) carry smaller square copies, served as \`?size=card\` / \`?size=thumb\`; without them the photo itself is served for every size.`,
  request: {
    params: productParam,
    body: {
      content: {
        'multipart/form-data': {
          schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' }, card: { type: 'string', format: 'binary' }, thumb: { type: 'string', format: 'binary' } }, required: ['file'] },
        },
        'image/jpeg': binary,
        'image/png': binary,
        'image/webp': binary,
        'application/octet-stream': binary,
      },
      required: true,
    },
  },
  responses: {
    201: { content: { 'application/json': { schema: productImageSchema } }, description: 'The stored photo' },
    413: { content: { 'application/problem+json': { schema: problemSchema } }, description: 'Too large' },
    415: { content: { 'application/problem+json': { schema: problemSchema } }, description: 'Not a JPEG, PNG or WebP image' },
    ...errorResponses,
  },
});

export const list = createRoute({
  method: 'get',
  path: '/products/{id}/images',
  tags,
  summary: "A product's photos in display order (its cooperative's staff)",
  request: { params: productParam },
  responses: { 200: imagesResponse, ...errorResponses },
});

export const reorder = createRoute({
  method: 'patch',
  path: '/products/{id}/images',
  tags,
  summary: 'Reorder photos: list every photo id in the new order',
  request: {
    params: productParam,
    body: { content: { 'application/json': { schema: z.object({ imageIds: z.array(z.string().max(80)).min(1).max(50) }).strict() } }, required: true },
  },
  responses: { 200: imagesResponse, ...errorResponses },
});

export const remove = createRoute({
  method: 'delete',
  path: '/products/{id}/images/{imageId}',
  tags,
  summary: 'Remove a photo (also from storage)',
  request: { params: productParam.extend({ imageId: z.string().min(1).max(80).openapi({ param: { name: 'imageId', in: 'path' } }) }) },
  responses: { 204: { description: 'Removed' }, ...errorResponses },
});
