import type { Job } from '../lib/jobs';
import { assumeReceipts } from './shipments.service';

/** Shipped shipments nobody confirmed are taken as delivered after `receiptAssumedAfterDays`. */
export const assumeReceiptJob: Job = { name: 'assume-shipment-receipt', run: (db, _env, now) => assumeReceipts(db, now) };
