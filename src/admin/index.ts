/** The public module of admin: what other domains may use. Everything else in the folder is private. */
export { adminOnly } from './admin-access';
export { adminApi } from './admin.index';
export { adminPages } from './admin.pages';
