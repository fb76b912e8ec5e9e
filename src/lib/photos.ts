/**
 * Product photos live in R2 and are served under /photos/ (each key segment URL-encoded). The uploading
 * browser makes square copies in three sizes (assets/js/photo-resize.js): the photo itself (at most 1200 px),
 * a card (480 px, catalog and share pages) and a thumbnail (160 px: cart, orders, the portal list). The
 * copies sit beside the photo under `<key>.card` / `<key>.thumb`; where there are none (an upload without
 * JavaScript, or through the API without them) the photo itself is served for every size.
 */
export const PHOTO_SIZES = { card: 480, thumb: 160 } as const;
export type PhotoSize = 'full' | keyof typeof PHOTO_SIZES;

export function isPhotoVariant(value: unknown): value is keyof typeof PHOTO_SIZES {
  return value === 'card' || value === 'thumb';
}

export function photoVariantKey(r2Key: string, size: keyof typeof PHOTO_SIZES): string {
  return `${r2Key}.${size}`;
}

export function photoUrl(r2Key: string, size: PhotoSize = 'full'): string {
  const path = `/photos/${r2Key.split('/').map(encodeURIComponent).join('/')}`;
  return size === 'full' ? path : `${path}?size=${size}`;
}
