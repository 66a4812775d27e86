/** A local institution webhook for tests: fails the first attempts, then accepts each key once. */
import http from 'node:http';

export interface Receiver {
  url: string;
  attempts: { key: string; body: Buffer; signature: string; contentType: string; event: string }[];
  accepted: Map<string, Buffer>;
  close(): Promise<void>;
}

/** Fails the first `failures` attempts with HTTP 500, then accepts (once per idempotency key). */
export async function webhookReceiver(failures: number): Promise<Receiver> {
  const attempts: Receiver['attempts'] = [];
  const accepted = new Map<string, Buffer>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const key = String(req.headers['idempotency-key']);
      const body = Buffer.concat(chunks);
      attempts.push({
        key,
        body,
        signature: String(req.headers['x-mediation-signature']),
        contentType: String(req.headers['content-type']),
        event: String(req.headers['x-mediation-event']),
      });
      if (attempts.length <= failures) {
        res.statusCode = 500;
        res.end('try later');
        return;
      }
      const duplicate = accepted.has(key);
      if (!duplicate) accepted.set(key, body);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ receipt: `R-${accepted.size}`, duplicate }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    attempts,
    accepted,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Waits until `check` holds (polling every 50 ms), or fails after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
