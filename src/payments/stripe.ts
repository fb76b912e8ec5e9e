import Stripe from 'stripe';
import type { Bindings } from '../env';

/**
 * The Stripe client, or null when no key is configured (the app then offers invoice and
 * pay-at-pickup only). Requests go through the runtime's `fetch`, looked up on every call, so tests
 * can replace Stripe at the network boundary by stubbing `globalThis.fetch`.
 */
export function getStripe(env: Pick<Bindings, 'STRIPE_SECRET_KEY'>): Stripe | null {
  if (!env.STRIPE_SECRET_KEY) return null;
  return new Stripe(env.STRIPE_SECRET_KEY, {
    httpClient: Stripe.createFetchHttpClient((input, init) => fetch(input, init)),
    maxNetworkRetries: 2,
    timeout: 15_000,
  });
}

export function stripeConfigured(env: Pick<Bindings, 'STRIPE_SECRET_KEY'>): boolean {
  return Boolean(env.STRIPE_SECRET_KEY);
}
