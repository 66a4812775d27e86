/**
 * The direct link between nodes (server/cluster/link.ts): relayed requests go
 * over it, authenticated; anything it cannot reach, or that cannot prove
 * itself, goes (or is answered) through Redis. Real Redis for the addresses;
 * the Redis bus is a recording stand-in here (its own tests: cluster-relay).
 */
import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { LinkBus } from '../../server/cluster/link.js';
import { NodeUnreachableError, type NodeBus } from '../../server/cluster/state.js';
import { createLogger } from '../../server/logger.js';
import { redisPrefix } from '../support/redis.js';
import { TEST_SECRET } from '../support/secrets.js';

/** A stand-in for the Redis bus: answers every request itself and counts them. */
function redisStandIn(): NodeBus & { close(): void; asked: { node: string; body: unknown }[] } {
  const asked: { node: string; body: unknown }[] = [];
  return {
    asked,
    request: (node, body) => {
      asked.push({ node, body });
      return Promise.resolve({ via: 'redis' });
    },
    send: (node, body) => {
      asked.push({ node, body });
      return Promise.resolve();
    },
    serve: () => undefined,
    close: () => undefined,
  };
}

describe('node link', () => {
  let redis: Redis;
  const prefix = redisPrefix('node-link');
  const buses: LinkBus[] = [];

  beforeAll(() => {
    redis = new Redis(inject('redisUrl'));
  });
  afterEach(() => {
    for (const b of buses.splice(0)) b.close();
  });
  afterAll(() => redis.disconnect());

  async function node(
    nodeId: string,
    secret = TEST_SECRET,
  ): Promise<{ bus: LinkBus; fallback: ReturnType<typeof redisStandIn>; from: string[] }> {
    const fallback = redisStandIn();
    const bus = await LinkBus.start({
      redis,
      prefix,
      nodeId,
      host: '127.0.0.1',
      secret,
      fallback,
      logger: createLogger('silent'),
    });
    buses.push(bus);
    const from: string[] = [];
    bus.serve((body, asker) => {
      from.push(asker);
      const b = body as { fail?: boolean; echo?: unknown; slow?: boolean };
      if (b.fail) return Promise.reject(new Error('refused here'));
      if (b.slow) return new Promise(() => undefined);
      return Promise.resolve({ echo: b.echo, at: nodeId });
    });
    return { bus, fallback, from };
  }

  it('carries requests and their answers between nodes, naming the asker; Redis is not asked', async () => {
    const a = await node('a');
    const b = await node('b');
    expect(await b.bus.request('a', { echo: 42 }, 2_000)).toEqual({ echo: 42, at: 'a' });
    expect(await a.bus.request('b', { echo: '你好' }, 2_000)).toEqual({ echo: '你好', at: 'b' });
    // Many at once over one connection, each answer to its own request.
    const many = await Promise.all(
      Array.from({ length: 50 }, (_, i) => b.bus.request('a', { echo: i }, 2_000)),
    );
    expect(many.map((m) => (m as { echo: number }).echo)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
    await expect(b.bus.request('a', { fail: true }, 2_000)).rejects.toThrow('refused here');
    expect(a.from.every((f) => f === 'b')).toBe(true);
    expect(b.from).toEqual(['a']);
    expect(a.fallback.asked).toEqual([]);
    expect(b.fallback.asked).toEqual([]);
  });

  it('refuses a node that does not know the secret: nothing reaches the handler over the link', async () => {
    const a = await node('a2');
    const intruder = await node('x2', 'another-secret-of-at-least-32-characters!!');
    // The handshake fails, so the intruder's bus falls back to Redis (where it has no keys).
    expect(await intruder.bus.request('a2', { echo: 1 }, 2_000)).toEqual({ via: 'redis' });
    expect(intruder.fallback.asked).toHaveLength(1);
    expect(a.from).toEqual([]);
    // A raw connection that skips the handshake is closed without being served.
    const address = (await redis.get(`${prefix}node:a2:link`))!;
    const [host, port] = [address.slice(0, address.lastIndexOf(':')), address.split(':').pop()];
    const raw = net.connect({ host, port: Number(port) });
    const closed = new Promise<void>((resolve) => raw.once('close', () => resolve()));
    raw.on('error', () => undefined);
    raw.resume();
    raw.write(`${JSON.stringify({ t: 'q', id: '1', reply: true, body: { echo: 1 } })}\n`);
    await closed;
    expect(a.from).toEqual([]);
  });

  it('asks through Redis a node without a link, or whose address another node answers', async () => {
    const a = await node('a3');
    const b = await node('b3');
    expect(await b.bus.request('nobody', { echo: 1 }, 2_000)).toEqual({ via: 'redis' });
    // A stale address now answered by another node: its id does not match.
    await redis.set(`${prefix}node:ghost:link`, (await redis.get(`${prefix}node:a3:link`))!);
    expect(await b.bus.request('ghost', { echo: 1 }, 2_000)).toEqual({ via: 'redis' });
    expect(b.fallback.asked.map((x) => x.node)).toEqual(['nobody', 'ghost']);
    expect(a.from).toEqual([]);
  });

  it('fails a request at once as gone when the node asked goes away, and in time when it is silent', async () => {
    const a = await node('a4');
    const b = await node('b4');
    await expect(b.bus.request('a4', { slow: true }, 300)).rejects.toThrow(NodeUnreachableError);
    const pending = b.bus.request('a4', { slow: true }, 10_000);
    const gone = expect(pending).rejects.toMatchObject({ name: 'NodeUnreachableError' });
    a.bus.close();
    const started = Date.now();
    await gone;
    expect(Date.now() - started).toBeLessThan(2_000);
    // Its address is withdrawn: the next request goes through Redis.
    expect(await b.bus.request('a4', { echo: 1 }, 2_000)).toEqual({ via: 'redis' });
  });
});
