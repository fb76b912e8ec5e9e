import { orderPayments } from './orders';
import { participantPayments } from './group-buys';
import { registerPaymentSubjects } from './payments';

/**
 * The composition root's wiring: plugs each domain's payment subject into payments, so payments
 * imports no domain that pays through it. createApp (requests) and the scheduled handler (jobs)
 * call it first; calling it again is harmless.
 */
export function composeDomains() {
  registerPaymentSubjects({ order: orderPayments, participant: participantPayments });
}
