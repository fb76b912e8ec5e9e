/** The public module of procurement: the B2B portal (API and pages) and the overdue-invoice job. Everything else in the folder is private. */
export { markOverdueInvoices } from './invoices.service';
export { procurementApi } from './procurement.api';
export { procurementPages } from './procurement.pages';
export { placeStandingOrders } from './standing-orders.job';
