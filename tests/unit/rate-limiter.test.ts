import { afterEach, describe, expect, it, vi } from 'vitest';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { RequestRateLimiter } from '../../server/socket/RateLimiter.js';
import type { LimiterFactory, LimiterOptions } from '../../server/cluster/state.js';

async function takeMany(limiter: RequestRateLimiter, key: string, n: number): Promise<boolean[]> {
  return Promise.all(Array.from({ length: n }, () => limiter.take(key)));
}

describe('RequestRateLimiter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('allows a burst, then refills to the burst over burst/rate seconds, no further', async () => {
    vi.useFakeTimers({ now: 0 });
    const limiter = new RequestRateLimiter('test', 5, 10); // 10 at once, 5/s sustained
    expect(await takeMany(limiter, 'c1', 12)).toEqual([
      ...Array<boolean>(10).fill(true),
      false,
      false,
    ]);
    vi.advanceTimersByTime(1000); // half the window: still spent
    expect(await limiter.take('c1')).toBe(false);
    vi.advanceTimersByTime(60_000); // long idle: back to one burst, not more
    expect((await takeMany(limiter, 'c1', 12)).filter(Boolean)).toHaveLength(10);
  });

  it('counts each key apart', async () => {
    const limiter = new RequestRateLimiter('test', 5, 10);
    expect((await takeMany(limiter, 'p1', 12)).filter(Boolean)).toHaveLength(10);
    expect(await limiter.take('p2')).toBe(true);
  });

  it('counts in the store its factory gives (the shared Redis one on several nodes)', async () => {
    const shared = new RateLimiterMemory({ keyPrefix: 'shared', points: 2, duration: 60 });
    const asked: LimiterOptions[] = [];
    const factory: LimiterFactory = (options) => {
      asked.push(options);
      return shared;
    };
    const nodeA = new RequestRateLimiter('person', 50, 100, factory);
    const nodeB = new RequestRateLimiter('person', 50, 100, factory);
    expect(asked[0]).toEqual({ keyPrefix: 'person', points: 100, duration: 2 });
    expect(await nodeA.take('p1')).toBe(true);
    expect(await nodeB.take('p1')).toBe(true);
    expect(await nodeA.take('p1')).toBe(false);
  });
});
