/** The public module of fulfilment: what other domains may use. Everything else in the folder is private. */
export { fulfilmentApi } from './fulfilment.api';
export { fulfilmentPages } from './fulfilment.pages';
export { assumeReceiptJob } from './jobs';
export { fulfilOrderStatement, itemsOf, shipmentView } from './shipments.service';
