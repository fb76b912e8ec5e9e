import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import type * as routes from './photos.routes';
import * as photos from './photos.service';
import { ownedProduct } from './products.handlers';

export const upload: RouteHandler<typeof routes.upload, AppEnv> = async (c) => {
  const product = await ownedProduct(c, c.req.valid('param').id);
  const bytes = await photos.readUploadedPhoto(c.req.raw);
  const image = await photos.addImage(c.var.db, c.env.PHOTOS, product.id, bytes);
  return c.json(photos.imageView(image), 201);
};

export const list: RouteHandler<typeof routes.list, AppEnv> = async (c) => {
  const product = await ownedProduct(c, c.req.valid('param').id);
  return c.json({ items: (await photos.listImages(c.var.db, product.id)).map(photos.imageView) }, 200);
};

export const reorder: RouteHandler<typeof routes.reorder, AppEnv> = async (c) => {
  const product = await ownedProduct(c, c.req.valid('param').id);
  const images = await photos.reorderImages(c.var.db, product.id, c.req.valid('json').imageIds);
  return c.json({ items: images.map(photos.imageView) }, 200);
};

export const remove: RouteHandler<typeof routes.remove, AppEnv> = async (c) => {
  const { id, imageId } = c.req.valid('param');
  const product = await ownedProduct(c, id);
  await photos.removeImage(c.var.db, c.env.PHOTOS, product.id, imageId);
  return c.body(null, 204);
};
