/** The public module of impact: what other domains may use. Everything else in the folder is private. */
export { impactApi } from './impact.index';
export { impactPages } from './impact.pages';
export { salesRollupStatements } from './rollup';
