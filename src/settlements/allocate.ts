/**
 * Splits `amountFen` over `weights` in proportion, to the fen, by the largest-remainder method:
 * everyone gets the floor of their exact share, then the fen left over go one each to the largest
 * fractional parts (earlier entries win ties). The parts always add up to `amountFen` exactly.
 * BigInt, because fen × fen products pass 2^53 for large orders.
 *
 * @example allocate(100, [1, 1, 1]) // [34, 33, 33]
 */
export function allocate(amountFen: number, weights: number[]): number[] {
  const total = weights.reduce((sum, w) => sum + BigInt(w), 0n);
  if (weights.length === 0 || total <= 0n) throw new Error('allocate needs positive weights');
  const amount = BigInt(amountFen);
  const shares = weights.map((w, index) => {
    const exact = amount * BigInt(w);
    return { index, floor: exact / total, remainder: exact % total };
  });
  let left = amount - shares.reduce((sum, s) => sum + s.floor, 0n);
  const byRemainder = [...shares].sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const share of byRemainder) {
    if (left <= 0n) break;
    share.floor += 1n;
    left -= 1n;
  }
  return shares.map((s) => Number(s.floor));
}
