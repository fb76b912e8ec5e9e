import { describe, expect, it } from 'vitest';
import { allInOrder } from '../../src/lib/in-order';

const after = <T>(ms: number, settle: () => T) => new Promise<T>((resolve, reject) => setTimeout(() => {
  try {
    resolve(settle());
  } catch (error) {
    reject(error);
  }
}, ms));

describe('allInOrder', () => {
  it('Should give every value in list order when all succeed', async () => {
    expect(await allInOrder([after(20, () => 'slow'), after(1, () => 'fast'), Promise.resolve(3)] as const)).toEqual(['slow', 'fast', 3]);
  });

  it('Should fail with the first refusal in list order, not the first in time', async () => {
    const first = after(20, () => {
      throw new Error('buyer refused');
    });
    const second = after(1, () => {
      throw new Error('delivery refused');
    });
    await expect(allInOrder([first, second] as const)).rejects.toThrow('buyer refused');
  });

  it('Should wait for everything before failing, so nothing is left running unobserved', async () => {
    let finished = false;
    const slow = after(20, () => {
      finished = true;
    });
    await expect(allInOrder([Promise.reject(new Error('no')), slow] as const)).rejects.toThrow('no');
    expect(finished).toBe(true);
  });
});
