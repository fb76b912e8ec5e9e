import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { coops, images, productBody } from '../helpers/cooperatives';
import { call, callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { orderBody, pickupAtShowroom } from '../helpers/orders';
import { MAX_PHOTO_BYTES, sniffImageType } from '../../src/cooperatives/photos.service';

let staffA: string;
let staffB: string;

beforeAll(async () => {
  await seedDatabase();
  [staffA, staffB] = await Promise.all([demoToken('coopStaffA'), demoToken('coopStaffB')]);
});

async function newProduct() {
  const { body } = await callJson('/api/v1/products', { method: 'POST', token: staffA, json: productBody(coops.a) });
  return body.id as string;
}

function multipart(bytes: Uint8Array, filename: string, type: string) {
  const form = new FormData();
  form.append('file', new File([bytes], filename, { type }));
  return form;
}

describe('sniffImageType', () => {
  it('Should tell JPEG, PNG and WebP from their bytes and nothing else', () => {
    expect(sniffImageType(images.jpeg)?.contentType).toBe('image/jpeg');
    expect(sniffImageType(images.png)?.contentType).toBe('image/png');
    expect(sniffImageType(images.webp)?.contentType).toBe('image/webp');
    expect(sniffImageType(new TextEncoder().encode('GIF89a...'))).toBeNull();
    expect(sniffImageType(new TextEncoder().encode('RIFF....WAVEfmt '))).toBeNull();
    expect(sniffImageType(new Uint8Array())).toBeNull();
  });
});

describe('POST /api/v1/products/{id}/images', () => {
  it('Should store a multipart photo in R2, make it the cover and serve it with long cache and ETag', async () => {
    const id = await newProduct();
    const { status, body } = await callJson(`/api/v1/products/${id}/images`, { method: 'POST', token: staffA, body: multipart(images.png, 'ham.png', 'image/png') });
    expect(status).toBe(201);
    expect(body).toMatchObject({ contentType: 'image/png', byteSize: images.png.byteLength, position: 0 });
    expect(body.url).toBe(`/photos/${body.r2Key}`);
    expect(await env.PHOTOS.head(body.r2Key)).not.toBeNull();
    const product = await env.DB.prepare('SELECT image_key FROM products WHERE id = ?').bind(id).first<{ image_key: string }>();
    expect(product!.image_key).toBe(body.r2Key);

    const served = await call(body.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const etag = served.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(images.png);
    const revalidated = await call(body.url, { headers: { 'if-none-match': etag } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('etag')).toBe(etag);
    expect(await revalidated.text()).toBe('');
  });

  it('Should accept a raw body and keep several photos in order', async () => {
    const id = await newProduct();
    const first = await callJson(`/api/v1/products/${id}/images`, { method: 'POST', token: staffA, body: images.jpeg, headers: { 'content-type': 'image/jpeg' } });
    const second = await callJson(`/api/v1/products/${id}/images`, { method: 'POST', token: staffA, body: images.webp, headers: { 'content-type': 'application/octet-stream' } });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body).toMatchObject({ contentType: 'image/webp', position: 1 });
    const list = await callJson(`/api/v1/products/${id}/images`, { token: staffA });
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([first.body.id, second.body.id]);
  });

  it('Should refuse a text file renamed .jpg with 415 and store nothing', async () => {
    const id = await newProduct();
    const fake = new TextEncoder().encode('name,price\nham,12\n');
    const res = await callJson(`/api/v1/products/${id}/images`, { method: 'POST', token: staffA, body: multipart(fake, 'photo.jpg', 'image/jpeg') });
    expect(res.status).toBe(415);
    expect(res.res.headers.get('content-type')).toContain('application/problem+json');
    expect((await env.PHOTOS.list({ prefix: `products/${id}/` })).objects).toHaveLength(0);
    const rows = await env.DB.prepare('SELECT count(*) AS n FROM product_images WHERE product_id = ?').bind(id).first<{ n: number }>();
    expect(rows!.n).toBe(0);
  });

  it('Should refuse a file over 5 MiB with 413, as multipart or raw', async () => {
    const id = await newProduct();
    const big = new Uint8Array(MAX_PHOTO_BYTES + 1);
    big.set(images.jpeg.subarray(0, 4));
    const asForm = await callJson(`/api/v1/products/${id}/images`, { method: 'POST', token: staffA, body: multipart(big, 'big.jpg', 'image/jpeg') });
    expect(asForm.status).toBe(413);
    const raw = await callJson(`/api/v1/products/${id}/images`, { method: 'POST', token: staffA, body: big, headers: { 'content-type': 'image/jpeg' } });
    expect(raw.status).toBe(413);
    expect((await env.PHOTOS.list({ prefix: `products/${id}/` })).objects).toHaveLength(0);
  });

  it("Should answer 404 when uploading to another cooperative's product", async () => {
    const id = await newProduct();
    const res = await callJson(`/api/v1/products/${id}/images`, { method: 'POST', token: staffB, body: multipart(images.png, 'x.png', 'image/png') });
    expect(res.status).toBe(404);
  });
});

describe('reordering and removing photos', () => {
  it('Should reorder photos and move the cover with them', async () => {
    const id = await newProduct();
    const a = (await callJson(`/api/v1/products/${id}/images`, { method: 'POST', token: staffA, body: images.png, headers: { 'content-type': 'image/png' } })).body;
    const b = (await callJson(`/api/v1/products/${id}/images`, { method: 'POST', token: staffA, body: images.jpeg, headers: { 'content-type': 'image/jpeg' } })).body;
    const res = await callJson(`/api/v1/products/${id}/images`, { method: 'PATCH', token: staffA, json: { imageIds: [b.id, a.id] } });
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { id: string; position: number }) => [i.id, i.position])).toEqual([
      [b.id, 0],
      [a.id, 1],
    ]);
    const product = await env.DB.prepare('SELECT image_key FROM products WHERE id = ?').bind(id).first<{ image_key: string }>();
    expect(product!.image_key).toBe(b.r2Key);
    const bad = await callJson(`/api/v1/products/${id}/images`, { method: 'PATCH', token: staffA, json: { imageIds: [b.id] } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('body.imageIds');
  });

  it('Should remove a photo from the product and from R2, falling back to the next cover', async () => {
    const id = await newProduct();
    const a = (await callJson(`/api/v1/products/${id}/images`, { method: 'POST', token: staffA, body: images.png, headers: { 'content-type': 'image/png' } })).body;
    const b = (await callJson(`/api/v1/products/${id}/images`, { method: 'POST', token: staffA, body: images.jpeg, headers: { 'content-type': 'image/jpeg' } })).body;
    const foreign = await call(`/api/v1/products/${id}/images/${a.id}`, { method: 'DELETE', token: staffB });
    expect(foreign.status).toBe(404);
    expect(await env.PHOTOS.head(a.r2Key)).not.toBeNull();
    const res = await call(`/api/v1/products/${id}/images/${a.id}`, { method: 'DELETE', token: staffA });
    expect(res.status).toBe(204);
    expect(await env.PHOTOS.head(a.r2Key)).toBeNull();
    expect((await call(a.url)).status).toBe(404);
    let product = await env.DB.prepare('SELECT image_key FROM products WHERE id = ?').bind(id).first<{ image_key: string | null }>();
    expect(product!.image_key).toBe(b.r2Key);
    await call(`/api/v1/products/${id}/images/${b.id}`, { method: 'DELETE', token: staffA });
    product = await env.DB.prepare('SELECT image_key FROM products WHERE id = ?').bind(id).first<{ image_key: string | null }>();
    expect(product!.image_key).toBeNull();
    expect((await call(`/api/v1/products/${id}/images/${b.id}`, { method: 'DELETE', token: staffA })).status).toBe(404);
  });

  it("Should not list another cooperative's photos", async () => {
    const id = await newProduct();
    expect((await callJson(`/api/v1/products/${id}/images`, { token: staffB })).status).toBe(404);
  });
});

describe('GET /photos/:key', () => {
  it('Should answer 404 for keys outside the product photos', async () => {
    await env.PHOTOS.put('private/secret.txt', 'x');
    expect((await call('/photos/private/secret.txt')).status).toBe(404);
    expect((await call('/photos/products/nothing.jpg')).status).toBe(404);
  });
});

describe('photo sizes (the square copies the uploading browser makes)', () => {
  function withCopies(full: Uint8Array, card: Uint8Array | string, thumb: Uint8Array) {
    const form = multipart(full, 'ham.jpg', 'image/jpeg');
    form.append('card', typeof card === 'string' ? new File([card], 'card.jpg', { type: 'image/jpeg' }) : new File([card], 'ham-card.jpg', { type: 'image/jpeg' }));
    form.append('thumb', new File([thumb], 'ham-thumb.jpg', { type: 'image/jpeg' }));
    return form;
  }

  it('Should keep the card and thumbnail copies beside the photo and serve each by ?size=, cached for a year', async () => {
    const id = await newProduct();
    const { status, body } = await callJson(`/api/v1/products/${id}/images`, { method: 'POST', token: staffA, body: withCopies(images.jpeg, images.webp, images.png) });
    expect(status).toBe(201);
    expect(body.thumbnailUrl).toBe(`/photos/${body.r2Key}?size=thumb`);
    const bytes = async (url: string) => new Uint8Array(await (await call(url)).arrayBuffer());
    expect(await bytes(body.url)).toEqual(images.jpeg);
    expect(await bytes(`${body.url}?size=card`)).toEqual(images.webp);
    expect(await bytes(body.thumbnailUrl)).toEqual(images.png);
    const thumb = await call(body.thumbnailUrl);
    expect(thumb.headers.get('content-type')).toBe('image/png');
    expect(thumb.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // Published, the catalog's card shows the card copy and the cart the thumbnail.
    expect((await callJson(`/api/v1/products/${id}/publish`, { method: 'POST', token: staffA })).status).toBe(200);
    const catalog = await callJson(`/api/v1/products?sort=newest&limit=50`);
    const card = (catalog.body.items as { id: string; imageUrl: string }[] | undefined)?.find((p) => p.id === id);
    expect(card?.imageUrl).toBe(`${body.url}?size=card`);
    const cart = await call('/cart/items', { method: 'POST', body: new URLSearchParams({ productId: id, quantity: '1' }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    const cookie = cart.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    expect(await (await call('/cart', { headers: { cookie } })).text()).toContain(`src="${body.thumbnailUrl}"`);
    // And the order page the buyer keeps.
    const order = await callJson('/api/v1/orders', { method: 'POST', json: { ...orderBody([{ productId: id, quantity: 5 }], { delivery: pickupAtShowroom }) } });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    expect(await (await call(`/orders/${order.body.id}?token=${order.body.accessToken}`)).text()).toContain(`src="${body.thumbnailUrl}"`);
  });

  it('Should serve the photo itself for every size when it came without copies', async () => {
    const id = await newProduct();
    const { body } = await callJson(`/api/v1/products/${id}/images`, { method: 'POST', token: staffA, body: images.png, headers: { 'content-type': 'image/png' } });
    expect(new Uint8Array(await (await call(body.thumbnailUrl)).arrayBuffer())).toEqual(images.png);
    expect(new Uint8Array(await (await call(`${body.url}?size=card`)).arrayBuffer())).toEqual(images.png);
    expect(new Uint8Array(await (await call(`${body.url}?size=huge`)).arrayBuffer())).toEqual(images.png);
  });

  it('Should refuse a copy that is not an image with 415 and store nothing', async () => {
    const id = await newProduct();
    const res = await callJson(`/api/v1/products/${id}/images`, { method: 'POST', token: staffA, body: withCopies(images.jpeg, 'not an image', images.png) });
    expect(res.status).toBe(415);
    expect((await env.PHOTOS.list({ prefix: `products/${id}/` })).objects).toEqual([]);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM product_images WHERE product_id = ?').bind(id).first()).toEqual({ n: 0 });
  });

  it('Should remove the copies with the photo', async () => {
    const id = await newProduct();
    const { body } = await callJson(`/api/v1/products/${id}/images`, { method: 'POST', token: staffA, body: withCopies(images.jpeg, images.jpeg, images.jpeg) });
    expect((await env.PHOTOS.list({ prefix: `products/${id}/` })).objects).toHaveLength(3);
    expect((await call(`/api/v1/products/${id}/images/${body.id}`, { method: 'DELETE', token: staffA })).status).toBe(204);
    expect((await env.PHOTOS.list({ prefix: `products/${id}/` })).objects).toEqual([]);
    expect((await call(body.thumbnailUrl)).status).toBe(404);
  });
});
