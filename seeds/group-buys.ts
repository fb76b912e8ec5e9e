/**
 * Demo group buys at the Lijiang showroom, so a new user sees the feature the moment the app starts:
 * an open one with three neighbours already in, and a formed one whose pickup codes the desk can try.
 * Dates are relative to the seeding week and ids carry that week, so seeding twice in a week changes
 * nothing (ON CONFLICT DO NOTHING) and a seed next week opens that week's pair. Only `npm run seed`
 * (and the browser tests' database) use it: unit tests keep their own data.
 */
import { demoOrganizations, insert, productId, userId } from './seed';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

type Neighbour = { name: string; phone: string; code: string; quantity: number };

function groupStatements(g: {
  id: string;
  shortCode: string;
  title: string;
  description: string;
  closesAt: number;
  createdAt: number;
  status: 'open' | 'succeeded';
  minParticipants: number;
  sku: string;
  unitPriceFen: number;
  neighbours: Neighbour[];
}): string[] {
  const showroom = demoOrganizations.showroom.id;
  const product = productId(g.sku);
  const itemId = `gbi_${g.id.slice(3)}`;
  const quantity = g.neighbours.reduce((sum, n) => sum + n.quantity, 0);
  const statements = [
    insert('group_buys', {
      id: g.id,
      short_code: g.shortCode,
      organizer_organization_id: showroom,
      created_by_user_id: userId('showroomManager'),
      title: g.title,
      description: g.description,
      pickup_organization_id: showroom,
      closes_at: g.closesAt,
      // Saturday-style window: the morning after the deadline, 10–12.
      pickup_starts_at: g.closesAt + 14 * HOUR,
      pickup_ends_at: g.closesAt + 16 * HOUR,
      min_participants: g.minParticipants,
      status: g.status,
      repeat_weekly: 0,
      participants_count: g.neighbours.length,
      quantity_total: quantity,
      closed_at: g.status === 'open' ? null : g.closesAt,
      closed_reason: g.status === 'open' ? null : 'deadline',
      created_at: g.createdAt,
      updated_at: g.createdAt,
    }),
    insert('group_buy_items', { id: itemId, group_buy_id: g.id, product_id: product, unit_price_fen: g.unitPriceFen, sold_quantity: quantity }),
  ];
  g.neighbours.forEach((n, index) => {
    const participantId = `gbp_${g.id.slice(3)}_${index}`;
    // The units are taken from stock once, when the participant is first written (as a join would).
    statements.push(
      `UPDATE products SET stock = stock - ${n.quantity} WHERE id = '${product}' AND NOT EXISTS (SELECT 1 FROM group_buy_participants WHERE id = '${participantId}');`,
      insert('group_buy_participants', {
        id: participantId,
        group_buy_id: g.id,
        name: n.name,
        phone: n.phone,
        pickup_code: n.code,
        access_token: `demo${g.id.slice(3)}${index}`.padEnd(32, 'x'),
        status: 'pending_payment',
        payment_method: 'pay_at_pickup',
        total_fen: n.quantity * g.unitPriceFen,
        created_at: g.createdAt + (index + 1) * HOUR,
        updated_at: g.createdAt + (index + 1) * HOUR,
      }),
      insert('group_buy_participant_items', {
        id: `gbl_${g.id.slice(3)}_${index}`,
        participant_id: participantId,
        group_buy_item_id: itemId,
        product_id: product,
        quantity: n.quantity,
        unit_price_fen: g.unitPriceFen,
        line_total_fen: n.quantity * g.unitPriceFen,
      }),
      insert('payments', {
        id: `pay_${g.id.slice(3)}_${index}`,
        participant_id: participantId,
        method: 'pay_at_pickup',
        status: 'pending',
        amount_fen: n.quantity * g.unitPriceFen,
        created_at: g.createdAt + (index + 1) * HOUR,
        updated_at: g.createdAt + (index + 1) * HOUR,
      }),
    );
  });
  return statements;
}

export function buildGroupBuyDemoStatements(now = Date.now()): string[] {
  // Monday 00:00 (Beijing) of this week: the demo pair of the week.
  const beijing = now + 8 * HOUR;
  const monday = beijing - (((new Date(beijing).getUTCDay() + 6) % 7) * DAY + (beijing % DAY)) - 8 * HOUR;
  const week = new Date(monday + 8 * HOUR).toISOString().slice(0, 10).replace(/-/g, '');
  return [
    ...groupStatements({
      id: `gb_demo_open_${week}`,
      shortCode: `o${week.slice(2)}`,
      title: '永胜六德鲜香菇 邻里团',
      description: '杨浦控江路展销馆自提，满 5 人成团',
      closesAt: now + 2 * DAY,
      createdAt: now - 4 * HOUR,
      status: 'open',
      minParticipants: 5,
      sku: 'YS-MUS-001',
      unitPriceFen: 3280,
      neighbours: [
        { name: '张阿姨', phone: '13900001234', code: 'DMA2K7', quantity: 2 },
        { name: '李叔叔', phone: '13900005678', code: 'DMB3M8', quantity: 1 },
        { name: '王老师', phone: '13900009012', code: 'DMC4N9', quantity: 3 },
      ],
    }),
    ...groupStatements({
      id: `gb_demo_formed_${week}`,
      shortCode: `f${week.slice(2)}`,
      title: '景东无量山干香菇 周末团',
      description: '已成团，凭提货码到展销馆提货',
      closesAt: now - 2 * HOUR,
      createdAt: now - 3 * DAY,
      status: 'succeeded',
      minParticipants: 2,
      sku: 'JD-MUS-001',
      unitPriceFen: 4280,
      neighbours: [
        { name: '赵阿姨', phone: '13900002468', code: 'DMF5P2', quantity: 2 },
        { name: '钱奶奶', phone: '13900001357', code: 'DMG6Q3', quantity: 1 },
        { name: '孙先生', phone: '13900008642', code: 'DMH7R4', quantity: 4 },
      ],
    }),
  ];
}
