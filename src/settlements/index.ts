/** The public module of settlements: what other domains may use. Everything else in the folder is private. */
export { getSettings } from './settings.service';
export { settlementsApi } from './settlements.api';
export { settlementPages } from './settlements.pages';
