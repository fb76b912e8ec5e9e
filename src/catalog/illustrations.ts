import { photoUrl } from '../lib/photos';
/**
 * Generated SVG illustrations, one per product category, shown wherever a product has no photo.
 * Each is a mountain-and-water backdrop (山海) with the category's motif drawn from simple shapes,
 * so they cost a few hundred bytes each and no upload. Served by the catalog pages at
 * `/illustrations/<category>.svg` with a year-long immutable cache; bump ILLUSTRATION_VERSION when a
 * drawing changes so browsers fetch the new one.
 */
import type { ProductCategory } from '../db/schema';
import { categories, isCategory } from '../lib/categories';

export const ILLUSTRATION_VERSION = '1';

export function illustrationUrl(category: ProductCategory): string {
  return `/illustrations/${category}.svg?v=${ILLUSTRATION_VERSION}`;
}

export { photoUrl };

type Palette = { sky: string; hill: string; water: string; ink: string; accent: string };

const PALETTES: Record<ProductCategory, Palette> = {
  mushroom: { sky: '#f3ead8', hill: '#c9d8b6', water: '#9cc3c9', ink: '#8a5a3b', accent: '#f6efe4' },
  tea: { sky: '#e8f2e1', hill: '#9fc28f', water: '#8fbcc4', ink: '#2f6b3a', accent: '#c7e3b4' },
  ham: { sky: '#f7e6df', hill: '#d8c3a5', water: '#a9c6cf', ink: '#9c3b2e', accent: '#f4d6c9' },
  rice: { sky: '#efe8f4', hill: '#cbbfd9', water: '#a7bfd8', ink: '#5b3a7a', accent: '#f8f4ea' },
  'grain-oil': { sky: '#fbf3d5', hill: '#e8d27a', water: '#9fc3c8', ink: '#b08a12', accent: '#fff6c4' },
  'sugar-spice': { sky: '#f6eadf', hill: '#d9b99b', water: '#a8c4c9', ink: '#7a4a25', accent: '#e7c49a' },
  nuts: { sky: '#f2ece2', hill: '#cdb99b', water: '#a3c0c4', ink: '#6e5434', accent: '#dcc6a4' },
  honey: { sky: '#fdf1d6', hill: '#ecd08a', water: '#a5c6cb', ink: '#c98a0c', accent: '#ffe3a1' },
  poultry: { sky: '#f5efe2', hill: '#c8d6a8', water: '#a1c3c8', ink: '#b4462f', accent: '#fbf7ee' },
  fruit: { sky: '#fbe9e6', hill: '#c6d9a8', water: '#a3c5ca', ink: '#c2415a', accent: '#f7c1c6' },
  herbal: { sky: '#eef0e4', hill: '#a9c39c', water: '#98bfc2', ink: '#7a3f8c', accent: '#4e7d45' },
  aquatic: { sky: '#e4f0f4', hill: '#b7cfb4', water: '#7fb2c4', ink: '#2e6e8e', accent: '#e8f4f8' },
  vegetable: { sky: '#f1e9ee', hill: '#bfd3a6', water: '#a2c2c8', ink: '#7b3f6e', accent: '#c9e0a8' },
  'gift-pack': { sky: '#f9e7e2', hill: '#d5c4a3', water: '#a6c3c9', ink: '#b3261e', accent: '#f2c14e' },
};

/** The central motif of each category, drawn around (200, 150) in a 400×300 box. */
function motif(category: ProductCategory, p: Palette): string {
  switch (category) {
    case 'mushroom':
      return `<path d="M186 170h28l6 62h-40z" fill="${p.accent}" stroke="${p.ink}" stroke-width="3"/><path d="M120 172c6-58 44-86 80-86s74 28 80 86z" fill="${p.ink}"/><circle cx="170" cy="130" r="9" fill="${p.accent}"/><circle cx="222" cy="118" r="7" fill="${p.accent}"/><circle cx="244" cy="150" r="6" fill="${p.accent}"/>`;
    case 'tea':
      return `<path d="M150 160h100l-10 60a16 16 0 0 1-16 14h-48a16 16 0 0 1-16-14z" fill="#fff" stroke="${p.ink}" stroke-width="4"/><path d="M250 176a18 18 0 0 1 0 36" fill="none" stroke="${p.ink}" stroke-width="4"/><path d="M200 150c-30-10-40-44-22-72 26 14 34 44 22 72z" fill="${p.ink}"/><path d="M204 150c12-26 40-34 62-22-12 24-38 32-62 22z" fill="${p.accent}" stroke="${p.ink}" stroke-width="2"/>`;
    case 'ham':
      return `<path d="M150 120c20-40 90-50 118-10 20 30 6 76-36 98-30 16-62 10-80-10-16-18-14-48-2-78z" fill="${p.ink}"/><path d="M164 132c14-24 64-32 84-6 12 18 4 48-22 62" fill="none" stroke="${p.accent}" stroke-width="6" stroke-linecap="round"/><rect x="120" y="206" width="48" height="14" rx="7" transform="rotate(-35 144 213)" fill="#f3ead8" stroke="${p.ink}" stroke-width="3"/>`;
    case 'rice':
      return `<path d="M128 160h144a72 60 0 0 1-144 0z" fill="#fff" stroke="${p.ink}" stroke-width="4"/><path d="M136 160c10-36 118-36 128 0z" fill="${p.ink}"/><g fill="${p.accent}"><ellipse cx="176" cy="146" rx="5" ry="3"/><ellipse cx="204" cy="138" rx="5" ry="3"/><ellipse cx="228" cy="148" rx="5" ry="3"/><ellipse cx="192" cy="154" rx="5" ry="3"/></g><path d="M150 176h100" stroke="${p.ink}" stroke-width="2" opacity=".4"/>`;
    case 'grain-oil':
      return `<rect x="186" y="70" width="28" height="22" rx="4" fill="${p.ink}"/><path d="M176 96h48v10c20 14 26 30 26 50v68a10 10 0 0 1-10 10h-80a10 10 0 0 1-10-10v-68c0-20 6-36 26-50z" fill="${p.accent}" stroke="${p.ink}" stroke-width="4"/><path d="M200 150c-14 18-18 28-18 36a18 18 0 0 0 36 0c0-8-4-18-18-36z" fill="${p.ink}"/>`;
    case 'sugar-spice':
      return `<path d="M130 170c0-22 22-30 40-24 8-20 34-24 46-8 18-8 40 4 38 24 20 4 24 30 6 40-10 18-40 16-52 4-16 12-44 10-56-6-20 2-30-14-22-30z" fill="${p.accent}" stroke="${p.ink}" stroke-width="4"/><g fill="${p.ink}"><rect x="236" y="108" width="30" height="30" rx="4"/><rect x="258" y="140" width="26" height="26" rx="4" opacity=".8"/></g>`;
    case 'nuts':
      return `<ellipse cx="200" cy="156" rx="62" ry="70" fill="${p.accent}" stroke="${p.ink}" stroke-width="4"/><path d="M200 88v136" stroke="${p.ink}" stroke-width="4"/><path d="M170 110c12 12-8 24 4 38s-10 26 2 42M230 110c-12 12 8 24-4 38s10 26-2 42" fill="none" stroke="${p.ink}" stroke-width="3"/>`;
    case 'honey':
      return `<rect x="150" y="92" width="100" height="22" rx="6" fill="${p.ink}"/><path d="M156 114h88l8 22v82a12 12 0 0 1-12 12h-80a12 12 0 0 1-12-12v-82z" fill="${p.accent}" stroke="${p.ink}" stroke-width="4"/><path d="M156 120h88v14c-10 0-10 16-20 16s-10-10-20-10-10 22-20 22-8-14-18-14-10 6-10 6z" fill="${p.ink}"/><path d="M178 176l10-6 10 6v12l-10 6-10-6zM202 176l10-6 10 6v12l-10 6-10-6z" fill="none" stroke="${p.ink}" stroke-width="2"/>`;
    case 'poultry':
      return `<path d="M150 170c0-40 30-62 64-62 6-26 38-30 46-8 4 12-4 22-14 26 8 20 8 40 0 56-18 34-80 40-96-12z" fill="${p.accent}" stroke="${p.ink}" stroke-width="4"/><path d="M236 84c4-12 14-14 18-6 6-8 16-2 12 8" fill="${p.ink}"/><path d="M264 110l16 6-16 6z" fill="#e0a030"/><circle cx="246" cy="104" r="4" fill="#222"/><path d="M170 164c20 12 44 12 60-4" fill="none" stroke="${p.ink}" stroke-width="3"/><path d="M190 214v22M214 214v22" stroke="#e0a030" stroke-width="5"/>`;
    case 'fruit':
      return `<circle cx="200" cy="160" r="64" fill="${p.ink}"/><path d="M150 138c10-30 40-44 60-40" fill="none" stroke="${p.accent}" stroke-width="8" stroke-linecap="round" opacity=".7"/><path d="M200 96c-4-14 0-26 8-34" stroke="#6b4a2b" stroke-width="5" fill="none"/><path d="M208 80c18-18 44-14 52-4-18 16-40 14-52 4z" fill="#5c8f45"/>`;
    case 'herbal':
      return `<path d="M180 236c-6-60 0-110 14-150M214 236c4-50 14-96 32-130" stroke="${p.accent}" stroke-width="8" fill="none" stroke-linecap="round"/><g fill="${p.accent}"><path d="M186 150c-26-6-40-22-42-42 24 2 40 18 42 42z"/><path d="M232 140c20-14 40-14 52-2-18 16-38 14-52 2z"/></g><g fill="${p.ink}"><circle cx="196" cy="84" r="12"/><circle cx="248" cy="104" r="10"/><circle cx="176" cy="112" r="8"/></g>`;
    case 'aquatic':
      return `<path d="M120 160c30-44 110-54 150 0-40 54-120 44-150 0z" fill="${p.ink}"/><path d="M268 160l40-32v64z" fill="${p.ink}"/><circle cx="150" cy="152" r="7" fill="${p.accent}"/><path d="M190 130c10 20 10 40 0 60M220 128c10 22 10 42 0 64" stroke="${p.accent}" stroke-width="3" fill="none" opacity=".7"/>`;
    case 'vegetable':
      return `<ellipse cx="200" cy="168" rx="84" ry="44" transform="rotate(-18 200 168)" fill="${p.ink}"/><path d="M270 124c14-20 30-30 46-28-4 18-20 30-46 28z" fill="${p.accent}"/><path d="M266 128c4-22 0-40-12-52-8 18-4 36 12 52z" fill="${p.accent}"/><g stroke="${p.accent}" stroke-width="3" opacity=".5"><path d="M160 160l10 4M200 176l12 2M230 150l10 6"/></g>`;
    case 'gift-pack':
      return `<rect x="130" y="126" width="140" height="106" rx="6" fill="${p.ink}"/><rect x="122" y="106" width="156" height="30" rx="6" fill="${p.ink}" stroke="${p.accent}" stroke-width="3"/><rect x="190" y="106" width="20" height="126" fill="${p.accent}"/><path d="M200 106c-20-30-50-30-48-12 2 14 30 14 48 12zM200 106c20-30 50-30 48-12-2 14-30 14-48 12z" fill="${p.accent}"/>`;
  }
}

function render(category: ProductCategory, label: string): string {
  const p = PALETTES[category];
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300" role="img" aria-label="${label}">` +
    `<title>${label}</title>` +
    `<rect width="400" height="300" fill="${p.sky}"/>` +
    `<circle cx="330" cy="62" r="24" fill="#fff" opacity=".7"/>` +
    `<path d="M0 210l70-70 50 40 60-80 80 90 50-50 90 70v90H0z" fill="${p.hill}"/>` +
    `<path d="M0 250c40-14 80 14 120 0s80-14 120 0 80 14 120 0 40-8 40-8v58H0z" fill="${p.water}"/>` +
    motif(category, p) +
    `</svg>`
  );
}

const cache = new Map<ProductCategory, string>();

/** The SVG document for a category, or null for an unknown category. */
export function illustrationSvg(category: string): string | null {
  if (!isCategory(category)) return null;
  const id = category;
  let svg = cache.get(id);
  if (!svg) {
    const names = categories.find((c) => c.id === id)!;
    svg = render(id, `${names.nameZh} ${names.nameEn}`.replace(/&/g, '&amp;'));
    cache.set(id, svg);
  }
  return svg;
}

/**
 * The picture to show for a product anywhere (catalog, cart, order pages, group buys): its cover photo
 * when the cooperative uploaded one, otherwise its category's drawing. Other domains import it from the
 * catalog's index.
 */
/** A product's thumbnail (160 px square copy of its cover photo), or its category illustration. */
export function thumbnailUrl(product: { imageKey: string | null; category: ProductCategory }): string {
  return product.imageKey ? photoUrl(product.imageKey, 'thumb') : illustrationUrl(product.category);
}

export function coverPhotoUrl(product: { imageKey: string | null; category: ProductCategory }): string {
  return product.imageKey ? photoUrl(product.imageKey, 'card') : illustrationUrl(product.category);
}
