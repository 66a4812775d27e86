/** Waiting for what a background worker does (a gateway's send, a report's effect) in tests. */

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Reads until the value is there; fails naming `what` after `ms`. */
export async function eventually<T>(
  read: () => Promise<T | undefined>,
  what: string,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(50);
  }
}
