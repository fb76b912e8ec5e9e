/**
 * Seed statements built from seeds/data.ts: every pairing, the cooperatives, their products, the
 * demo organisations and accounts. Every INSERT is `ON CONFLICT DO NOTHING` on a stable id, so seeding
 * twice changes nothing (and never overwrites stock that orders have since reserved).
 * Used by `npm run seed` (through wrangler d1 execute) and by tests (through the D1 binding).
 */
import { hashPassword } from '../src/accounts/password';
import { searchTokens } from '../src/catalog/search';
import { cooperatives, counties, districts, products, categories } from './data';

/** A fixed clock so the seed is identical on every machine; products get distinct creation times. */
const SEEDED_AT = Date.UTC(2026, 0, 1);

export const DEMO_PASSWORD = 'shanhai-demo-2026';

export type DemoAccount = {
  key: 'admin' | 'canteenOwner' | 'canteenPurchaser' | 'showroomManager' | 'coopStaffA' | 'coopStaffB' | 'buyer';
  email: string;
  name: string;
  description: string;
};

export const demoAccounts: DemoAccount[] = [
  { key: 'admin', email: 'admin@shanhai.local', name: '平台管理员', description: 'platform admin' },
  { key: 'canteenOwner', email: 'canteen-owner@shanhai.local', name: '宝山区机关食堂 主任', description: 'owner of the Baoshan district government canteen' },
  { key: 'canteenPurchaser', email: 'canteen@shanhai.local', name: '宝山区机关食堂 采购员', description: 'purchaser at the Baoshan district government canteen' },
  { key: 'showroomManager', email: 'showroom@shanhai.local', name: '丽江展销馆 店长', description: 'manager (owner) of the Lijiang showroom in Yangpu' },
  { key: 'coopStaffA', email: 'coop-a@shanhai.local', name: '合作社员工甲', description: 'staff of the first cooperative' },
  { key: 'coopStaffB', email: 'coop-b@shanhai.local', name: '合作社员工乙', description: 'staff of the second cooperative' },
  { key: 'buyer', email: 'buyer@shanhai.local', name: '上海市民', description: 'public buyer' },
];

export const demoOrganizations = {
  platform: { id: 'org_platform', slug: 'shanhai-platform', name: '山海平台', nameEn: 'Shanhai platform' },
  canteen: {
    id: 'org_baoshan_canteen',
    slug: 'baoshan-district-canteen',
    name: '宝山区机关食堂',
    nameEn: 'Baoshan District Government Canteen',
  },
  showroom: {
    id: 'org_lijiang_showroom_yangpu',
    slug: 'lijiang-showroom-yangpu',
    name: '丽江消费帮扶展销馆（杨浦）',
    nameEn: 'Lijiang Consumption-Assistance Showroom (Yangpu)',
  },
} as const;

export const cooperativeOrgId = (coopId: string) => `org_coop_${coopId}`;
export const productId = (sku: string) => `prd_${sku.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`;
export const userId = (key: DemoAccount['key']) => `usr_demo_${key}`;

/** A value as an SQLite literal, for generated SQL files (the seed, the bench's scale data set). */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? '1' : '0';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `'${text.replace(/'/g, "''")}'`;
}

export function insert(table: string, row: Record<string, unknown>): string {
  const columns = Object.keys(row);
  const values = columns.map((c) => sqlLiteral(row[c]));
  return `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${values.join(', ')}) ON CONFLICT DO NOTHING;`;
}

/** The two cooperatives whose staff are demo accounts: the Xuanwei ham maker and the first rice one. */
export function demoCooperativeIds(): { a: string; b: string } {
  const ham = products.find((p) => p.category === 'ham')!;
  const rice = products.find((p) => p.category === 'rice' && p.cooperativeId !== ham.cooperativeId)!;
  return { a: cooperativeOrgId(ham.cooperativeId), b: cooperativeOrgId(rice.cooperativeId) };
}

export async function buildSeedStatements(): Promise<string[]> {
  const statements: string[] = [];
  districts.forEach((d, index) =>
    statements.push(
      insert('districts', {
        id: d.id,
        name_zh: d.nameZh,
        name_en: d.nameEn,
        pairing_note_zh: d.pairingNoteZh,
        pairing_note_en: d.pairingNoteEn,
        sort_order: index,
      }),
    ),
  );
  for (const c of counties) {
    statements.push(
      insert('counties', {
        id: c.id,
        name_zh: c.nameZh,
        name_en: c.nameEn,
        prefecture_zh: c.prefectureZh,
        prefecture_en: c.prefectureEn,
        province_zh: c.provinceZh,
        province_en: c.provinceEn,
        district_id: c.districtId,
        pairing_kind: c.pairingKind,
        summary_zh: c.summaryZh,
        summary_en: c.summaryEn,
      }),
    );
  }
  const countyById = new Map(counties.map((c) => [c.id, c]));
  for (const coop of cooperatives) {
    statements.push(
      insert('organization', {
        id: cooperativeOrgId(coop.id),
        name: coop.nameZh,
        name_en: coop.nameEn,
        slug: coop.id,
        created_at: SEEDED_AT,
        kind: 'cooperative',
        status: 'verified',
        verified_at: SEEDED_AT,
        county_id: coop.countyId,
        district_id: countyById.get(coop.countyId)?.districtId ?? null,
        certification_no: coop.certificationNo,
        households_benefited: coop.householdsBenefited,
        story_zh: coop.storyZh,
        story_en: coop.storyEn,
        shipping_flat_fee_fen: coop.shippingFlatFeeFen,
        free_shipping_above_fen: coop.freeShippingAboveFen,
        contact_phone: coop.contactPhone,
      }),
    );
  }
  const coopById = new Map(cooperatives.map((c) => [c.id, c]));
  const categoryById = new Map(categories.map((c) => [c.id, c]));
  products.forEach((p, index) => {
    const coop = coopById.get(p.cooperativeId)!;
    const county = countyById.get(coop.countyId)!;
    const category = categoryById.get(p.category)!;
    const at = SEEDED_AT + index * 60_000;
    statements.push(
      insert('products', {
        id: productId(p.sku),
        sku: p.sku,
        cooperative_id: cooperativeOrgId(p.cooperativeId),
        county_id: coop.countyId,
        category: p.category,
        name_zh: p.nameZh,
        name_en: p.nameEn,
        description_zh: p.descriptionZh,
        description_en: p.descriptionEn,
        unit_zh: p.unitZh,
        unit_en: p.unitEn,
        spec_zh: p.specZh,
        spec_en: p.specEn,
        unit_price_fen: p.unitPriceFen,
        price_tiers: p.priceTiers,
        min_order_quantity: p.minOrderQuantity,
        order_step: p.orderStep,
        stock: p.stock,
        status: 'published',
        shelf_life_days: p.shelfLifeDays,
        storage_zh: p.storageZh,
        storage_en: p.storageEn,
        certification_no: coop.certificationNo,
        featured: p.featured,
        sold_count: 0,
        search_tokens: searchTokens(
          p.nameZh,
          p.nameEn,
          p.descriptionZh,
          p.descriptionEn,
          p.sku,
          category.nameZh,
          category.nameEn,
          county.nameZh,
          county.nameEn,
          county.prefectureZh,
          county.prefectureEn,
          coop.nameZh,
          coop.nameEn,
        ),
        created_at: at,
        updated_at: at,
      }),
    );
  });

  // Demo organisations and accounts (local development only; listed in the README).
  const { platform, canteen, showroom } = demoOrganizations;
  statements.push(
    insert('organization', { id: platform.id, slug: platform.slug, name: platform.name, name_en: platform.nameEn, kind: 'platform', status: 'verified', verified_at: SEEDED_AT, created_at: SEEDED_AT }),
    insert('organization', {
      id: canteen.id,
      slug: canteen.slug,
      name: canteen.name,
      name_en: canteen.nameEn,
      kind: 'canteen',
      status: 'verified',
      verified_at: SEEDED_AT,
      created_at: SEEDED_AT,
      district_id: 'baoshan',
      invoice_title: '上海市宝山区机关事务管理局',
      tax_id: '11310113MB0000000X',
      annual_target_fen: 50_000_000,
      payment_terms_days: 30,
      credit_limit_fen: 20_000_000,
      contact_phone: '021-56600000',
    }),
    insert('organization', {
      id: showroom.id,
      slug: showroom.slug,
      name: showroom.name,
      name_en: showroom.nameEn,
      kind: 'showroom',
      status: 'verified',
      verified_at: SEEDED_AT,
      created_at: SEEDED_AT,
      district_id: 'yangpu',
      pickup_address: '上海市杨浦区控江路社区商业中心 1 楼 丽江消费帮扶展销馆',
      invoice_title: '丽江消费帮扶展销馆（杨浦）',
      annual_target_fen: 10_000_000,
      contact_phone: '021-65550000',
    }),
    insert('delivery_locations', {
      id: 'loc_baoshan_canteen_kitchen',
      organization_id: canteen.id,
      label: '机关食堂后厨收货口',
      recipient: '王师傅',
      phone: '13800000001',
      district_id: 'baoshan',
      street: '上海市宝山区密山路 5 号 食堂后门',
      receiving_hours: '工作日 7:00–10:00',
      is_default: true,
      created_at: SEEDED_AT,
    }),
    // A negotiated price (协议价) of the canteen, so the demo shows one: Mojiang purple rice by the case.
    insert('price_list_entries', {
      id: 'prl_demo_canteen_purple_rice',
      organization_id: canteen.id,
      product_id: productId('MJ-RCE-002'),
      unit_price_fen: 14_200,
      valid_from: SEEDED_AT,
      valid_to: null,
      created_at: SEEDED_AT,
    }),
  );
  const coopIds = demoCooperativeIds();
  const memberships: Record<DemoAccount['key'], { organizationId: string; role: string } | null> = {
    admin: { organizationId: platform.id, role: 'owner' },
    canteenOwner: { organizationId: canteen.id, role: 'owner' },
    canteenPurchaser: { organizationId: canteen.id, role: 'purchaser' },
    showroomManager: { organizationId: showroom.id, role: 'owner' },
    coopStaffA: { organizationId: coopIds.a, role: 'staff' },
    coopStaffB: { organizationId: coopIds.b, role: 'staff' },
    buyer: null,
  };
  for (const demo of demoAccounts) {
    const id = userId(demo.key);
    statements.push(
      insert('user', {
        id,
        name: demo.name,
        email: demo.email,
        email_verified: true,
        platform_role: demo.key === 'admin' ? 'admin' : 'user',
        locale: 'zh',
        created_at: SEEDED_AT,
        updated_at: SEEDED_AT,
      }),
      insert('account', {
        id: `acc_demo_${demo.key}`,
        account_id: id,
        provider_id: 'credential',
        user_id: id,
        password: await hashPassword(DEMO_PASSWORD),
        created_at: SEEDED_AT,
        updated_at: SEEDED_AT,
      }),
    );
    const membership = memberships[demo.key];
    if (membership) {
      statements.push(
        insert('member', {
          id: `mem_demo_${demo.key}`,
          organization_id: membership.organizationId,
          user_id: id,
          role: membership.role,
          created_at: SEEDED_AT,
          per_order_limit_fen: demo.key === 'canteenPurchaser' ? 2_000_000 : null,
        }),
      );
    }
  }
  statements.push(
    insert('platform_settings', { key: 'platformFeeRateBp', value: '0', updated_at: SEEDED_AT }),
    insert('platform_settings', { key: 'pickupCommissionRateBp', value: '0', updated_at: SEEDED_AT }),
    insert('platform_settings', { key: 'receiptAssumedAfterDays', value: '7', updated_at: SEEDED_AT }),
  );
  return statements;
}
