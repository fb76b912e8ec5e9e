import { PRODUCT_CATEGORIES, type ProductCategory } from '../db/schema';
import type { Locale } from './i18n';

/** Display names of the product categories; the ids live in the schema (`PRODUCT_CATEGORIES`). */
export const categories: { id: ProductCategory; nameZh: string; nameEn: string }[] = [
  { id: 'mushroom', nameZh: '食用菌', nameEn: 'Mushrooms' },
  { id: 'tea', nameZh: '茶叶', nameEn: 'Tea' },
  { id: 'ham', nameZh: '火腿腊味', nameEn: 'Ham & cured meat' },
  { id: 'rice', nameZh: '大米·紫米', nameEn: 'Rice & purple rice' },
  { id: 'grain-oil', nameZh: '粮油杂粮', nameEn: 'Grains & cooking oil' },
  { id: 'sugar-spice', nameZh: '红糖·姜·调味', nameEn: 'Sugar, ginger & spices' },
  { id: 'nuts', nameZh: '坚果', nameEn: 'Nuts' },
  { id: 'honey', nameZh: '蜂蜜', nameEn: 'Honey' },
  { id: 'poultry', nameZh: '禽类', nameEn: 'Poultry' },
  { id: 'fruit', nameZh: '水果', nameEn: 'Fruit' },
  { id: 'herbal', nameZh: '滋补药材', nameEn: 'Herbal & tonic' },
  { id: 'aquatic', nameZh: '水产', nameEn: 'Aquatic products' },
  { id: 'vegetable', nameZh: '蔬菜薯类', nameEn: 'Vegetables & tubers' },
  { id: 'gift-pack', nameZh: '扶贫礼包', nameEn: 'Gift packs' },
];

const byId = new Map(categories.map((c) => [c.id, c]));

export function isCategory(value: unknown): value is ProductCategory {
  return typeof value === 'string' && (PRODUCT_CATEGORIES as readonly string[]).includes(value);
}

export function categoryName(id: ProductCategory, locale: Locale): string {
  const category = byId.get(id);
  if (!category) return id;
  return locale === 'en' ? category.nameEn : category.nameZh;
}
