/** The public module of orders: what other domains may use. Everything else in the folder is private. */
export { orderingMemberships } from './buyer';
export { cartOwner, rememberGuestCart } from './cart.cookie';
export { addToCart, ensureCart } from './cart.service';
export { type DeliveryInput } from './delivery';
export { expireUnpaidOrders } from './expiry.job';
export { orderCancelledStatements, orderPaidStatements, orderRevivedStatements, releaseStockStatements, shipmentNotice } from './lifecycle';
export { canonicalOrder, loadOrder, type OrderBundle } from './order-read';
export { ordersApi } from './orders.index';
export { contactSchema, createOrderSchema, deliverySchema, orderSchema, type CreateOrderInput, type OrderView } from './orders.schemas';
export { listOrders, placeOrder, replayIfPlaced, type OrderContext } from './orders.service';
export { ordersPages } from './pages';
export { requireOrderAccess, requireOrderActor } from './policy';
export { orderPayments } from './order-payments';
export { approvalRequestStatements, approvalsQuery, findApproval, toApprovalView } from './approvals.store';
export { approvalSchema, type ApprovalView } from './approvals.schemas';
export { CREDIT_GUARD, creditGuardStatement, creditPosition, creditProblem } from './credit';
