/**
 * The public module of pricing: ONE place for how much a line costs — list and tier prices, quantity
 * rules, negotiated prices of buyer organisations, shipping, and the quote orders, procurement and
 * group buys all call.
 */
export { MAX_LINE_QUANTITY, applicableNegotiatedPrice, quantityProblem, quote, type PriceSource, type QuantityProblem } from './pricing';
export { negotiatedPrices, type PriceOverride, type PriceOverrideLookup } from './negotiated';
export { quoteItems, shippingFor, type Quote, type QuoteGroup, type QuoteItem, type QuoteLine, type QuoteProblem, type Shortage } from './quote';
