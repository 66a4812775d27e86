/**
 * JWS compact serialization (RFC 7515) with EdDSA over Ed25519 (RFC 8037): the
 * server signs with these functions and an offline verifier checks with them
 * against a published JWKS, without trusting the server.
 *
 * The cryptography, key import and key selection are jose's (CompactSign,
 * compactVerify, createLocalJWKSet, exportJWK, calculateJwkThumbprint). What
 * stays here is the policy, checked before jose sees the token, where jose is
 * more lenient than issued documents need:
 * - EdDSA only, checked before any key is looked up, so `none` and
 *   HS256-with-the-public-key confusion cannot reach a key;
 * - keys only from the caller's set, and only Ed25519 ones (jose's EdDSA
 *   would also take Ed448); headers that embed or point at keys (jwk, jku,
 *   x5u, x5c), demand extensions (crit) or change what is signed (b64) are
 *   refused outright, where jose merely ignores the first ones;
 * - strict base64url (jose decodes non-canonical and padded segments, so two
 *   strings could carry one signature) and a fixed signature length;
 * - the payload is canonical JSON, so equal values always give the same bytes.
 * The wire format is unchanged: a token issued before verifies, and the same
 * payload signed again gives the same token (tests/unit/service-keys.test.ts).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { TextDecoder } from 'node:util';
import {
  CompactSign,
  calculateJwkThumbprint,
  compactVerify,
  createLocalJWKSet,
  errors,
  exportJWK,
  type JWK,
} from 'jose';
import { canonicalJson } from '../audit/AuditChain.js';

const ALGORITHM = 'EdDSA' as const;
const SIGNATURE_BYTES = 64;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
/**
 * Headers that embed or point at keys (jwk, jku, x5u, x5c), demand extensions
 * we do not implement (crit), or change what is signed (b64, RFC 7797).
 */
const REFUSED_HEADERS = ['crit', 'jku', 'jwk', 'x5u', 'x5c', 'b64'] as const;

export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  use: 'sig';
  alg: 'EdDSA';
}

export interface Jwks {
  keys: PublicJwk[];
}

export interface JwsHeader {
  alg: 'EdDSA';
  kid: string;
  typ: string;
  cty?: string;
}

export interface VerifiedJws<T> {
  header: JwsHeader;
  payload: T;
  /** `header.payload` exactly as signed, for logging or re-checking elsewhere. */
  signingInput: string;
}

export type JwsRefusal =
  'MALFORMED' | 'UNSUPPORTED_ALG' | 'UNKNOWN_KEY' | 'BAD_SIGNATURE' | 'WRONG_TYPE';

export class JwsError extends Error {
  readonly reason: JwsRefusal;

  constructor(reason: JwsRefusal, message: string) {
    super(message);
    this.name = 'JwsError';
    this.reason = reason;
  }
}

/** Signs `payload` as canonical JSON, so equal values always give the same bytes. */
export async function signJws(
  payload: unknown,
  key: { kid: string; privateKey: KeyObject },
  typ: string,
): Promise<string> {
  if (key.privateKey.type !== 'private' || key.privateKey.asymmetricKeyType !== 'ed25519') {
    throw new TypeError('signJws needs an Ed25519 private key');
  }
  if (key.kid.length === 0) throw new TypeError('signJws needs a key id');
  if (typ.length === 0) throw new TypeError('signJws needs a typ');
  // jose writes the header with JSON.stringify: in this member order it is the
  // canonical JSON of the header, as in every token issued before.
  return new CompactSign(Buffer.from(canonicalJson(payload), 'utf8'))
    .setProtectedHeader({ alg: ALGORITHM, kid: key.kid, typ })
    .sign(key.privateKey);
}

export async function verifyJws<T = unknown>(
  jws: string,
  keys: Jwks | PublicJwk[],
  options?: { typ?: string },
): Promise<VerifiedJws<T>> {
  if (typeof jws !== 'string') throw new JwsError('MALFORMED', 'The JWS is not a string');
  const segments = jws.split('.');
  if (segments.length !== 3) {
    throw new JwsError('MALFORMED', 'A compact JWS has exactly three segments');
  }
  const [headerSegment = '', payloadSegment = '', signatureSegment = ''] = segments;

  const header = parseHeader(decodeJson(headerSegment, 'header'));
  decodeJson(payloadSegment, 'payload');
  const signature = decodeSegment(signatureSegment, 'signature');
  if (signature.length !== SIGNATURE_BYTES) {
    throw new JwsError('MALFORMED', `An Ed25519 signature is ${SIGNATURE_BYTES} bytes`);
  }

  const keySet = signingKeys(Array.isArray(keys) ? keys : keys.keys, header.kid);
  let verified: Uint8Array;
  try {
    ({ payload: verified } = await compactVerify(
      jws,
      async (protectedHeader, token) => {
        try {
          return await keySet(protectedHeader, token);
        } catch {
          throw new JwsError('UNKNOWN_KEY', `The key ${header.kid} is not a valid Ed25519 key`);
        }
      },
      { algorithms: [ALGORITHM] },
    ));
  } catch (error) {
    if (error instanceof JwsError) throw error;
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      throw new JwsError('BAD_SIGNATURE', 'The signature does not match');
    }
    throw new JwsError('MALFORMED', `The JWS was refused: ${(error as Error).message}`);
  }
  const payload = parseJson(verified, 'payload') as T;
  // Checked after the signature, so only authentic documents are told apart by type.
  if (options?.typ !== undefined && header.typ !== options.typ) {
    throw new JwsError('WRONG_TYPE', `Expected a ${options.typ}, got a ${header.typ}`);
  }
  return { header, payload, signingInput: `${headerSegment}.${payloadSegment}` };
}

/** RFC 7638 thumbprint of an OKP key: SHA-256 over `{"crv","kty","x"}`, base64url. */
export function jwkThumbprint(jwk: { crv: string; kty: string; x: string }): Promise<string> {
  return calculateJwkThumbprint({ crv: jwk.crv, kty: jwk.kty, x: jwk.x }, 'sha256');
}

/** The publishable JWK of an Ed25519 key (a private key's public half is derived), kid = thumbprint. */
export async function publicJwk(publicKey: KeyObject): Promise<PublicJwk> {
  const key = publicKey.type === 'private' ? createPublicKey(publicKey) : publicKey;
  if (key.type !== 'public' || key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError('publicJwk needs an Ed25519 key');
  }
  const { x } = await exportJWK(key);
  if (typeof x !== 'string') throw new TypeError('The Ed25519 key has no public value');
  const kid = await jwkThumbprint({ crv: 'Ed25519', kty: 'OKP', x });
  return { kty: 'OKP', crv: 'Ed25519', x, kid, use: 'sig', alg: ALGORITHM };
}

/** Strict base64url: its alphabet only, no padding, and the one canonical encoding of the bytes. */
function decodeSegment(segment: string, what: string): Buffer {
  if (!BASE64URL.test(segment)) {
    throw new JwsError('MALFORMED', `The ${what} is not unpadded base64url`);
  }
  const bytes = Buffer.from(segment, 'base64url');
  if (bytes.toString('base64url') !== segment) {
    throw new JwsError('MALFORMED', `The ${what} is not canonical base64url`);
  }
  return bytes;
}

function decodeJson(segment: string, what: string): unknown {
  return parseJson(decodeSegment(segment, what), what);
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch {
    throw new JwsError('MALFORMED', `The ${what} is not UTF-8 JSON`);
  }
}

function parseHeader(value: unknown): JwsHeader {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JwsError('MALFORMED', 'The header is not a JSON object');
  }
  const fields = value as Record<string, unknown>;
  if (fields.alg !== ALGORITHM) {
    throw new JwsError(
      'UNSUPPORTED_ALG',
      `Only ${ALGORITHM} is accepted, not ${String(fields.alg)}`,
    );
  }
  for (const name of REFUSED_HEADERS) {
    if (Object.hasOwn(fields, name)) {
      throw new JwsError('MALFORMED', `The header parameter ${name} is not accepted`);
    }
  }
  const { kid, typ, cty } = fields;
  if (typeof kid !== 'string' || kid.length === 0) {
    throw new JwsError('MALFORMED', 'The header has no kid');
  }
  if (typeof typ !== 'string' || typ.length === 0) {
    throw new JwsError('MALFORMED', 'The header has no typ');
  }
  if (cty !== undefined && typeof cty !== 'string') {
    throw new JwsError('MALFORMED', 'The header cty is not a string');
  }
  return { alg: ALGORITHM, kid, typ, ...(cty !== undefined ? { cty } : {}) };
}

/**
 * jose's key set over the caller's key named `kid`, if it is an Ed25519
 * signing key; refused here otherwise. Only kty, crv, x and kid are handed on.
 */
function signingKeys(
  keys: readonly PublicJwk[],
  kid: string,
): ReturnType<typeof createLocalJWKSet> {
  // The set may come straight from a JSON file in the offline verifier.
  const jwk = keys.find(
    (candidate) => typeof candidate === 'object' && candidate !== null && candidate.kid === kid,
  );
  if (!jwk) throw new JwsError('UNKNOWN_KEY', `No published key has kid ${kid}`);
  // A JWKS from elsewhere may leave out alg and use; when present they must fit.
  const { alg, use } = jwk as { alg?: unknown; use?: unknown };
  if (
    jwk.kty !== 'OKP' ||
    jwk.crv !== 'Ed25519' ||
    typeof jwk.x !== 'string' ||
    (alg !== undefined && alg !== ALGORITHM) ||
    (use !== undefined && use !== 'sig')
  ) {
    throw new JwsError('UNKNOWN_KEY', `The key ${kid} is not an Ed25519 signing key`);
  }
  const only: JWK = { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid };
  return createLocalJWKSet({ keys: [only] });
}
