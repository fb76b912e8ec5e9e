import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { groupBuyParticipants, productImages } from '../db/schema';
import { illustrationUrl, photoUrl } from '../catalog';
import { assetUrl } from '../views/assets';
import { maskName } from './group-buys.desk';
import { committedCondition } from './group-buys.queries';
import type { GroupBuyView } from './group-buys.service';

/** What the share page and its WeChat link card show beyond the group itself. */

/** WeChat and Open Graph accept JPEG and PNG link-card images (not WebP or SVG). */
const CARD_TYPES = ['image/jpeg', 'image/png'];

export type ShareImages = { hero: string; ogImage: string; ogType: string };

/**
 * The hero is the first product's cover photo, else its category illustration. The link card needs
 * an absolute JPEG/PNG of at least 300×300: the cover photo when it is one, else the category card
 * rendered to PNG at build time (scripts/build-assets.ts).
 */
export async function shareImages(db: Db, view: GroupBuyView, appUrl: string): Promise<ShareImages> {
  const first = view.items[0];
  const [photo] = first
    ? await db
        .select({ r2Key: productImages.r2Key, contentType: productImages.contentType })
        .from(productImages)
        .where(eq(productImages.productId, first.productId))
        .orderBy(asc(productImages.position), asc(productImages.id))
        .limit(1)
    : [];
  const category = (first?.category ?? 'gift-pack') as Parameters<typeof illustrationUrl>[0];
  const hero = photo ? photoUrl(photo.r2Key) : illustrationUrl(category);
  const absolute = (path: string) => new URL(path, appUrl).toString();
  if (photo && CARD_TYPES.includes(photo.contentType)) return { hero, ogImage: absolute(photoUrl(photo.r2Key)), ogType: photo.contentType };
  return { hero, ogImage: absolute(ogCardUrl(category)), ogType: 'image/png' };
}

function ogCardUrl(category: string): string {
  const name = `og/${category}.png` as Parameters<typeof assetUrl>[0];
  return assetUrl(name) ?? assetUrl('og/gift-pack.png' as Parameters<typeof assetUrl>[0]);
}

/** Who has joined, as neighbours see it: masked names, newest first (committed participants only). */
export async function joinedNeighbours(db: Db, groupBuyId: string, limit = 12): Promise<string[]> {
  const rows = await db
    .select({ name: groupBuyParticipants.name })
    .from(groupBuyParticipants)
    .where(and(eq(groupBuyParticipants.groupBuyId, groupBuyId), inArray(groupBuyParticipants.status, ['pending_payment', 'paid', 'picked_up']), committedCondition))
    .orderBy(desc(groupBuyParticipants.createdAt))
    .limit(limit);
  return rows.map((r) => maskName(r.name));
}

/** "还差 N 人 / N 件成团": what the group still lacks, or nothing once every threshold is met. */
export function stillNeeded(view: Pick<GroupBuyView, 'minParticipants' | 'minQuantity' | 'progress'>) {
  const people = view.minParticipants ? Math.max(0, view.minParticipants - view.progress.committedParticipants) : 0;
  const units = view.minQuantity ? Math.max(0, view.minQuantity - view.progress.committedQuantity) : 0;
  return { people, units, formed: people === 0 && units === 0 && view.progress.committedParticipants > 0 };
}
