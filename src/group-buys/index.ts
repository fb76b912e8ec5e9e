/** The public module of group-buys: what other domains may use. Everything else in the folder is private. */
export { groupBuysApi } from './group-buys.index';
export { groupBuyJobs } from './group-buys.jobs';
export { groupBuyPages } from './group-buys.pages';
export { participantPayments } from './group-buys.subject';
