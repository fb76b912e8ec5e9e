import type { Db } from '../db/client';
import { formatFen } from '../lib/money';
import { pickupList } from './group-buys.pickup';
import { maskPhone } from './group-buys.participants';
import type { GroupBuyRow } from './group-buys.queries';

const HEADER = ['pickup_code', 'name', 'phone', 'status', 'payment_method', 'sku', 'product', 'quantity', 'picked_up', 'line_total'];

/** Quotes a CSV field when it needs it (RFC 4180) and defuses spreadsheet formulas. */
function field(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The whole pickup list, one row per participant and product, with a BOM so spreadsheet apps read the Chinese. */
export async function pickupListCsv(db: Db, group: GroupBuyRow): Promise<string> {
  const lines = [HEADER.join(',')];
  let afterCode: string | undefined;
  for (;;) {
    const page = await pickupList(db, group.id, { limit: 80, afterCode });
    for (const p of page.rows) {
      for (const line of p.lines) {
        lines.push(
          [p.pickupCode, p.name, maskPhone(p.phone), p.status, p.paymentMethod, line.sku, line.nameZh, line.quantity, line.pickedUpQuantity, formatFen(line.lineTotalFen)]
            .map(field)
            .join(','),
        );
      }
    }
    if (!page.hasMore) break;
    afterCode = page.rows.at(-1)?.pickupCode;
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
