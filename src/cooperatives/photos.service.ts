import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { runBatch, type Statement } from '../db/batch';
import { productImages, products } from '../db/schema';
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import { isPhotoVariant, photoUrl, photoVariantKey, PHOTO_SIZES } from '../lib/photos';

export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
export const MAX_PHOTOS_PER_PRODUCT = 8;
/** The browser's smaller copies (480 and 160 px JPEGs) are far below this. */
export const MAX_VARIANT_BYTES = 512 * 1024;
/** Photos never change under a key (a new upload gets a new key), so browsers may keep them for a year. */
export const PHOTO_CACHE_CONTROL = 'public, max-age=31536000, immutable';

export type ImageType = { contentType: 'image/jpeg' | 'image/png' | 'image/webp'; extension: 'jpg' | 'png' | 'webp' };

const startsWith = (bytes: Uint8Array, signature: number[], offset = 0) => signature.every((b, i) => bytes[offset + i] === b);

/**
 * The image type told by the file's first bytes, never by its name or the declared content type:
 * a text file renamed photo.jpg is not a JPEG. Only the three formats every phone browser shows.
 */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { contentType: 'image/jpeg', extension: 'jpg' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { contentType: 'image/png', extension: 'png' };
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) {
    return { contentType: 'image/webp', extension: 'webp' };
  }
  return null;
}

function tooLarge(): AppError {
  return new AppError('payload_too_large', `A photo may be at most ${MAX_PHOTO_BYTES / 1024 / 1024} MiB`);
}

/** Reads a body stream, giving up (413) as soon as it passes `limit` bytes instead of buffering it all. */
export async function readLimited(stream: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array> {
  if (!stream) return new Uint8Array();
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Room for multipart boundaries and headers around the file itself. */
const MULTIPART_OVERHEAD = 64 * 1024;

export type UploadedPhoto = { bytes: Uint8Array; variants: Partial<Record<keyof typeof PHOTO_SIZES, Uint8Array>> };

/**
 * The uploaded photo's bytes from a multipart form (field `file` or `photo`) or a raw body, with the
 * smaller copies the browser made (fields `card` and `thumb`) when it sent them.
 * A declared length over the limit is refused before reading anything.
 */
export async function readUploadedPhoto(request: Request): Promise<UploadedPhoto> {
  const contentType = request.headers.get('content-type') ?? '';
  const isMultipart = contentType.startsWith('multipart/form-data');
  const limit = MAX_PHOTO_BYTES + (isMultipart ? MULTIPART_OVERHEAD : 0);
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  if (!isMultipart) {
    const bytes = await readLimited(request.body, limit);
    if (bytes.byteLength === 0) throw new AppError('bad_request', 'The request carries no photo');
    return { bytes, variants: {} };
  }
  const raw = await readLimited(request.body, limit);
  const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData().catch(() => {
    throw new AppError('bad_request', 'The multipart body could not be read');
  });
  const file = form.get('file') ?? form.get('photo');
  if (!file || typeof file === 'string') throw new AppError('bad_request', 'Send the photo in a form field named "file"');
  if (file.size > MAX_PHOTO_BYTES) throw tooLarge();
  if (file.size === 0) throw new AppError('bad_request', 'The photo is empty');
  const variants: UploadedPhoto['variants'] = {};
  for (const size of Object.keys(PHOTO_SIZES) as (keyof typeof PHOTO_SIZES)[]) {
    const copy = form.get(size);
    if (!copy || typeof copy === 'string' || copy.size === 0) continue;
    if (copy.size > MAX_VARIANT_BYTES) throw new AppError('payload_too_large', `The ${size} copy may be at most ${MAX_VARIANT_BYTES / 1024} KiB`);
    variants[size] = new Uint8Array(await copy.arrayBuffer());
  }
  return { bytes: new Uint8Array(await file.arrayBuffer()), variants };
}

export type ImageRow = typeof productImages.$inferSelect;

export function imageView(row: ImageRow) {
  return { id: row.id, url: photoUrl(row.r2Key), thumbnailUrl: photoUrl(row.r2Key, 'thumb'), r2Key: row.r2Key, contentType: row.contentType, byteSize: row.byteSize, position: row.position };
}

export async function listImages(db: Db, productId: string): Promise<ImageRow[]> {
  return db.select().from(productImages).where(eq(productImages.productId, productId)).orderBy(asc(productImages.position), asc(productImages.createdAt));
}

/** Keeps `products.image_key` equal to the first photo (null falls back to the illustration). */
function refreshCoverStatement(db: Db, productId: string, now: number) {
  return db
    .update(products)
    .set({
      imageKey: sql`(SELECT ${productImages.r2Key} FROM ${productImages} WHERE ${productImages.productId} = ${productId} ORDER BY ${productImages.position}, ${productImages.createdAt} LIMIT 1)`,
      updatedAt: now,
    })
    .where(eq(products.id, productId));
}

/** Stores a photo (and the browser's smaller copies of it) in R2 and records it after the product's other photos. */
export async function addImage(db: Db, bucket: R2Bucket, productId: string, upload: Uint8Array | UploadedPhoto, now = Date.now()): Promise<ImageRow> {
  const { bytes, variants } = upload instanceof Uint8Array ? { bytes: upload, variants: {} } : upload;
  const type = sniffImageType(bytes);
  if (!type) throw new AppError('unsupported_media_type', 'Only JPEG, PNG or WebP photos are accepted (checked from the file contents)');
  const copies = Object.entries(variants).map(([size, data]) => ({ size: size as keyof typeof PHOTO_SIZES, data, type: sniffImageType(data) }));
  if (copies.some((c) => !c.type)) throw new AppError('unsupported_media_type', 'The smaller copies must be JPEG, PNG or WebP too');
  const existing = await listImages(db, productId);
  if (existing.length >= MAX_PHOTOS_PER_PRODUCT) {
    throw new AppError('conflict', `A product has at most ${MAX_PHOTOS_PER_PRODUCT} photos; remove one first`);
  }
  const id = newId('img');
  const r2Key = `products/${productId}/${id}.${type.extension}`;
  const object = await bucket.put(r2Key, bytes, { httpMetadata: { contentType: type.contentType, cacheControl: PHOTO_CACHE_CONTROL } });
  const written = [r2Key];
  for (const copy of copies) {
    const key = photoVariantKey(r2Key, copy.size);
    await bucket.put(key, copy.data, { httpMetadata: { contentType: copy.type!.contentType, cacheControl: PHOTO_CACHE_CONTROL } });
    written.push(key);
  }
  const nextPosition = existing.reduce((max, image) => Math.max(max, image.position + 1), 0);
  try {
    await runBatch(db, [
      db.insert(productImages).values({
        id,
        productId,
        r2Key,
        contentType: type.contentType,
        byteSize: bytes.byteLength,
        etag: object.httpEtag,
        position: nextPosition,
        createdAt: now,
      }),
      refreshCoverStatement(db, productId, now),
    ]);
  } catch (error) {
    // The row was not written, so nothing points at the objects: remove them rather than leak storage.
    await bucket.delete(written);
    throw error;
  }
  return (await db.select().from(productImages).where(eq(productImages.id, id)))[0]!;
}

/** Puts the product's photos in the given order; the list must name each of its photos exactly once. */
export async function reorderImages(db: Db, productId: string, imageIds: string[], now = Date.now()): Promise<ImageRow[]> {
  const existing = await listImages(db, productId);
  const known = new Set(existing.map((i) => i.id));
  const sameSet = imageIds.length === existing.length && new Set(imageIds).size === imageIds.length && imageIds.every((id) => known.has(id));
  if (!sameSet) {
    throw new AppError('validation_failed', 'Invalid body.imageIds', {
      errors: [{ path: 'body.imageIds', message: "List each of this product's photo ids exactly once" }],
    });
  }
  const statements: Statement[] = imageIds.map((id, position) =>
    db.update(productImages).set({ position }).where(eq(productImages.id, id)),
  );
  statements.push(refreshCoverStatement(db, productId, now));
  await runBatch(db, statements);
  return listImages(db, productId);
}

/** Moves one photo a place up (-1) or down (+1); used by the portal's buttons. */
export async function moveImage(db: Db, productId: string, imageId: string, direction: -1 | 1, now = Date.now()) {
  const order = (await listImages(db, productId)).map((i) => i.id);
  const from = order.indexOf(imageId);
  if (from < 0) throw new AppError('not_found', `Photo ${imageId} not found`);
  const to = from + direction;
  if (to < 0 || to >= order.length) return listImages(db, productId);
  [order[from], order[to]] = [order[to]!, order[from]!];
  return reorderImages(db, productId, order, now);
}

export async function removeImage(db: Db, bucket: R2Bucket, productId: string, imageId: string, now = Date.now()) {
  const [image] = await db.select().from(productImages).where(eq(productImages.id, imageId));
  if (!image || image.productId !== productId) throw new AppError('not_found', `Photo ${imageId} not found`);
  await runBatch(db, [db.delete(productImages).where(eq(productImages.id, imageId)), refreshCoverStatement(db, productId, now)]);
  // After the row is gone nothing links to the objects; deleting them last never leaves a broken link.
  await bucket.delete([image.r2Key, ...Object.keys(PHOTO_SIZES).map((size) => photoVariantKey(image.r2Key, size as keyof typeof PHOTO_SIZES))]);
}

/**
 * Serves a stored photo with a year-long immutable cache and its ETag; a matching If-None-Match
 * answers 304 without the body (R2 evaluates the condition).
 */
export async function servePhoto(bucket: R2Bucket, key: string, requestHeaders: Headers, size?: string): Promise<Response> {
  if (!key.startsWith('products/') || key.includes('..')) return new Response('Not found', { status: 404 });
  // A smaller copy where the uploading browser made one; the photo itself otherwise.
  const object: R2Object | R2ObjectBody | null = (isPhotoVariant(size) ? await bucket.get(photoVariantKey(key, size), { onlyIf: requestHeaders }) : null) ?? (await bucket.get(key, { onlyIf: requestHeaders }));
  if (!object) return new Response('Not found', { status: 404 });
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  headers.set('etag', object.httpEtag);
  headers.set('cache-control', PHOTO_CACHE_CONTROL);
  headers.set('x-content-type-options', 'nosniff');
  const body = 'body' in object ? (object as R2ObjectBody).body : null;
  if (!body) return new Response(null, { status: 304, headers });
  headers.set('content-length', String(object.size));
  return new Response(body, { status: 200, headers });
}
