/** The public module of cooperatives: what other domains may use. Everything else in the folder is private. */
export { cooperativesApi } from './cooperatives.api';
export { cooperativePages } from './cooperatives.pages';
export { photoPages } from './photos.pages';
