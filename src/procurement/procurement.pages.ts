import { Hono } from 'hono';
import { pageErrorHandler } from '../accounts';
import type { AppEnv } from '../env';
import { approvalPages } from './approvals.pages';
import { bulkPages } from './bulk.pages';
import { dashboardPages } from './dashboard.pages';
import { invoicePages } from './invoices.pages';
import { priceListPages } from './price-lists.pages';
import { standingOrderPages } from './standing-orders.pages';

/**
 * Procurement pages: the organisation dashboard, bulk and quick orders, order again, approvals,
 * invoices with the printable pro-forma and fapiao request, and the admin's negotiated prices.
 */
export const procurementPages = new Hono<AppEnv>()
  .route('/', dashboardPages)
  .route('/', bulkPages)
  .route('/', approvalPages)
  .route('/', invoicePages)
  .route('/', priceListPages)
  .route('/', standingOrderPages);

procurementPages.onError(pageErrorHandler);
