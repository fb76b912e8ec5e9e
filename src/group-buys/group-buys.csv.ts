import type { Db } from '../db/client';
import { toCsv } from '../lib/csv';
import { formatFen } from '../lib/money';
import { pickupList } from './group-buys.pickup';
import { maskPhone } from './group-buys.participants';
import type { GroupBuyRow } from './group-buys.queries';

const HEADER = ['pickup_code', 'name', 'phone', 'status', 'payment_method', 'sku', 'product', 'quantity', 'picked_up', 'line_total'];

/** The whole pickup list, one row per participant and product, with a BOM so spreadsheet apps read the Chinese. */
export async function pickupListCsv(db: Db, group: GroupBuyRow): Promise<string> {
  const rows: unknown[][] = [HEADER];
  let afterCode: string | undefined;
  for (;;) {
    const page = await pickupList(db, group.id, { limit: 80, afterCode });
    for (const p of page.rows) {
      for (const line of p.lines) {
        rows.push([p.pickupCode, p.name, maskPhone(p.phone), p.status, p.paymentMethod, line.sku, line.nameZh, line.quantity, line.pickedUpQuantity, formatFen(line.lineTotalFen)]);
      }
    }
    if (!page.hasMore) break;
    afterCode = page.rows.at(-1)?.pickupCode;
  }
  return toCsv(rows);
}
