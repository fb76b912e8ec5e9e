import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { servePhoto } from './photos.service';

/** `/photos/<r2Key>[?size=card|thumb]`: product photos from R2, cached for a year and revalidated by ETag. */
export const photoPages = new Hono<AppEnv>().get('/photos/:key{.+}', (c) =>
  servePhoto(c.env.PHOTOS, c.req.param('key'), c.req.raw.headers, c.req.query('size')),
);
