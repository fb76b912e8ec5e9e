/** The public module of accounts: what other domains may use. Everything else in the folder is private. */
export { accountsApi } from './accounts.api';
export { accountsPages } from './accounts.pages';
export { loadMemberships, resolveActor } from './actor';
export { createAuth } from './auth';
export { pageErrorHandler, parseWith, renderPage } from './pages.support';
export { BUYER_KINDS, adminOnly, canUseInvoiceTerms, cooperativeMemberships, exceedsPurchaserLimit, isBuyerKind, membershipOf, requireActor, requireAdmin, requireBuyerPurchaser, requireCooperativeStaff, requireOrgRole, signedIn } from './policy';
export { listLocations, type LocationView } from './delivery-locations.service';
