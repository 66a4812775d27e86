/**
 * Solves the server's proof-of-work challenge off the page's thread: the first nonce whose
 * SHA-256(`challenge:nonce`) starts with `bits` zero bits (server/applications/proofOfWork.ts).
 * SHA-256 from @noble/hashes (audited, dependency-free): synchronous, so a phone runs the
 * hashes back to back rather than one promise each, and it works where Web Crypto does not
 * (a page opened over plain http on a LAN address is no secure context).
 */
import { sha256 } from '@noble/hashes/sha2.js';

function zeroBits(digest: Uint8Array): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

self.onmessage = (event: MessageEvent<{ challenge: string; bits: number }>) => {
  const { challenge, bits } = event.data;
  const encoder = new TextEncoder();
  for (let n = 0; ; n += 1) {
    const nonce = n.toString(36);
    if (zeroBits(sha256(encoder.encode(`${challenge}:${nonce}`))) >= bits) {
      self.postMessage({ nonce });
      return;
    }
  }
};
