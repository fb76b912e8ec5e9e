/** The orders domain's public face for other domains: placing and pricing orders, and their shapes. */
export { ordersApi } from './orders.index';
export { placeOrder, paymentMethodProblem, type PlacedOrder, type OrderContext } from './orders.service';
export { quoteItems, type Quote } from './quote';
export { buyerOrganization, orderingMemberships } from './buyer';
export { resolveDelivery, validateContact, type DeliveryInput } from './delivery';
export { guardFailure, transition } from './guards';
export { contactSchema, deliverySchema, orderItemSchema, type CreateOrderInput, type OrderView } from './orders.schemas';
