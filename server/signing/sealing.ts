/**
 * A service private key sealed for storage in the shared database:
 * AES-256-GCM under a key derived (HKDF-SHA256) from SERVICE_KEYS_SECRET,
 * a fresh 96-bit nonce per seal, the key's kid as associated data (a sealed
 * key copied onto another kid's row does not open). Format:
 * `v1.<nonce>.<tag>.<ciphertext>`, each base64url.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const INFO = 'mediation service signing keys v1';
const SALT = 'mediation-conference';

/** The key that seals, derived from the configured secret. */
export function sealingKey(secret: string): Buffer {
  if (secret.length < 32) throw new Error('SERVICE_KEYS_SECRET must be at least 32 characters');
  return Buffer.from(hkdfSync('sha256', secret, SALT, INFO, 32));
}

export function seal(plaintext: string, kid: string, key: Buffer): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(kid, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const parts = [nonce, cipher.getAuthTag(), body].map((b) => b.toString('base64url'));
  return [VERSION, ...parts].join('.');
}

/** The plaintext; throws when the secret is not the one that sealed, or anything was altered. */
export function unseal(sealed: string, kid: string, key: Buffer): string {
  const [version, nonce, tag, body, ...rest] = sealed.split('.');
  if (version !== VERSION || !nonce || !tag || body === undefined || rest.length > 0)
    throw new Error('not a sealed key of a known format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
  decipher.setAAD(Buffer.from(kid, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([
    decipher.update(Buffer.from(body, 'base64url')),
    decipher.final(),
  ]).toString('utf8');
}
