/**
 * Awaits independent work together — several D1 reads cost one round trip of latency instead of one
 * each — but fails as if it had run one step after another: with the first rejection in list order, not
 * the first in time, so the same bad request always gets the same answer.
 *
 * @example
 * const [buyer, delivery] = await allInOrder([findBuyer(db, id), resolveDelivery(db, input)] as const);
 */
export async function allInOrder<T extends readonly unknown[]>(work: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(work as readonly Promise<unknown>[]);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
