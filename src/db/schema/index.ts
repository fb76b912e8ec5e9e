export * from './accounts';
export * from './catalog';
export * from './orders';
export * from './group-buys';
export * from './procurement';
export * from './settlements';
export * from './impact';
export * from './standing-orders';
