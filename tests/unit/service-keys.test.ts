import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ServiceKeys, ServiceKeysError } from '../../server/signing/ServiceKeys.js';
import {
  JwsError,
  jwkThumbprint,
  publicJwk,
  signJws,
  verifyJws,
  type PublicJwk,
} from '../../server/signing/jws.js';

const TYP = 'recording-manifest+jws';
const payload = {
  caseId: 'C-2026-001',
  segments: [{ n: 1, sha256: 'ab'.repeat(32) }],
  note: '调解',
};

// RFC 8037 Appendix A.1 / A.3.
const RFC_D = 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A';
const RFC_X = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo';
const RFC_THUMBPRINT = 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k';

async function refusal(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof JwsError) return error.reason;
    throw error;
  }
  throw new Error('accepted');
}

function b64(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

function segments(jws: string): [string, string, string] {
  const [h = '', p = '', s = ''] = jws.split('.');
  return [h, p, s];
}

function decode(segment: string): string {
  return Buffer.from(segment, 'base64url').toString('utf8');
}

/** A token with a header of the attacker's choosing, signed with an Ed25519 key of theirs. */
function forgeEdDsa(header: Record<string, unknown>, body: unknown, privateKey: KeyObject): string {
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(body))}`;
  return `${input}.${b64(sign(null, Buffer.from(input), privateKey))}`;
}

function mode(file: string): number {
  return statSync(file).mode & 0o777;
}

describe('jws', () => {
  // Signed by the hand-written implementation before jose took over (issue 17): the
  // RFC 8037 A.1 key over `payload`. Ed25519 is deterministic, so the same input must
  // give this very token, and tokens, references and bundles issued before still verify.
  const ISSUED_BEFORE_JOSE =
    'eyJhbGciOiJFZERTQSIsImtpZCI6ImtQcktfcW14VldhWVZBOXd3QkY2SXVvM3ZWeno3VHhIQ1R3WEJ5Z3JTNGsiLCJ0eXAiOiJyZWNvcmRpbmctbWFuaWZlc3QrandzIn0' +
    '.eyJjYXNlSWQiOiJDLTIwMjYtMDAxIiwibm90ZSI6Iuiwg-inoyIsInNlZ21lbnRzIjpbeyJuIjoxLCJzaGEyNTYiOiJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiIn1dfQ' +
    '.Mv4qOQWRAwILl5xEIBH-s-goswPFIsrtLvzCXmJayRtsVck-5fRQgWZCig6HXyWqBfLDjNEFkgE8n3zcI9-UBQ';

  it('keeps the wire format: a token issued before verifies, and signing again gives it byte for byte', async () => {
    const privateKey = createPrivateKey({
      key: { kty: 'OKP', crv: 'Ed25519', d: RFC_D, x: RFC_X },
      format: 'jwk',
    });
    const jwk = await publicJwk(privateKey);
    const verified = await verifyJws(ISSUED_BEFORE_JOSE, [jwk], { typ: TYP });
    expect(verified.payload).toEqual(payload);
    expect(verified.header).toEqual({ alg: 'EdDSA', kid: RFC_THUMBPRINT, typ: TYP });
    expect(await signJws(payload, { kid: jwk.kid, privateKey }, TYP)).toBe(ISSUED_BEFORE_JOSE);
  });

  it('takes only an Ed25519 key from the set, where EdDSA in jose would also take Ed448', async () => {
    const { publicKey } = generateKeyPairSync('ed448');
    const x = publicKey.export({ format: 'jwk' }).x!;
    const kid = 'ed448-key';
    const input = `${b64(JSON.stringify({ alg: 'EdDSA', kid, typ: TYP }))}.${b64(JSON.stringify(payload))}`;
    // A signature of Ed25519's length, so the refusal is about the key, not the format.
    const token = `${input}.${b64(Buffer.alloc(64, 7))}`;
    const set = [{ kty: 'OKP', crv: 'Ed448', x, kid } as unknown as PublicJwk];
    expect(await refusal(() => verifyJws(token, set))).toBe('UNKNOWN_KEY');
  });

  it('computes the RFC 8037 A.3 thumbprint', async () => {
    expect(await jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: RFC_X })).toBe(RFC_THUMBPRINT);
  });

  it('publishes the RFC 8037 A.1 key with its thumbprint as kid', async () => {
    const privateKey = createPrivateKey({
      key: { kty: 'OKP', crv: 'Ed25519', d: RFC_D, x: RFC_X },
      format: 'jwk',
    });
    const expected: PublicJwk = {
      kty: 'OKP',
      crv: 'Ed25519',
      x: RFC_X,
      kid: RFC_THUMBPRINT,
      use: 'sig',
      alg: 'EdDSA',
    };
    expect(await publicJwk(createPublicKey(privateKey))).toEqual(expected);
    expect(await publicJwk(privateKey)).toEqual(expected);
  });

  it('signs canonical JSON, so key order does not change the token', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const key = { kid: (await publicJwk(privateKey)).kid, privateKey };
    const a = await signJws({ b: 1, a: { d: [1, { z: 0, y: 1 }], c: 'é' } }, key, TYP);
    const b = await signJws({ a: { c: 'é', d: [1, { y: 1, z: 0 }] }, b: 1 }, key, TYP);
    expect(a).toBe(b);
    const [h, p] = segments(a);
    expect(decode(p)).toBe('{"a":{"c":"é","d":[1,{"y":1,"z":0}]},"b":1}');
    expect(decode(h)).toBe(`{"alg":"EdDSA","kid":"${key.kid}","typ":"${TYP}"}`);
  });

  it('verifies against a bare key list as well as a JWKS, and refuses an empty one', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const jwk = await publicJwk(privateKey);
    const jws = await signJws(['any', 'json', 1], { kid: jwk.kid, privateKey }, TYP);
    expect((await verifyJws(jws, [jwk])).payload).toEqual(['any', 'json', 1]);
    expect((await verifyJws(jws, { keys: [jwk] })).signingInput).toBe(
      jws.slice(0, jws.lastIndexOf('.')),
    );
    expect(await refusal(() => verifyJws(jws, []))).toBe('UNKNOWN_KEY');
  });
});

describe('ServiceKeys', () => {
  let dir: string;
  let keysDir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'service-keys-'));
    keysDir = path.join(dir, 'keys');
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('several processes opening an empty directory at once make one first key, which all of them use', async () => {
    const opened = await Promise.all(Array.from({ length: 6 }, () => ServiceKeys.open(keysDir)));
    expect(new Set(opened.map((k) => k.activeKid)).size).toBe(1);
    expect(readdirSync(keysDir).sort()).toEqual([`${opened[0]!.activeKid}.json`, 'active'].sort());
    // What one signs, another verifies.
    const jws = await opened[0]!.sign(payload, TYP);
    await expect(opened[5]!.verify(jws, { typ: TYP })).resolves.toBeTruthy();
  });

  it('takes over the first-key lock of a process that died making the key', async () => {
    const { mkdirSync, utimesSync } = await import('node:fs');
    mkdirSync(keysDir, { recursive: true });
    mkdirSync(path.join(keysDir, '.creating'));
    const old = new Date(Date.now() - 60_000);
    utimesSync(path.join(keysDir, '.creating'), old, old);
    const keys = await ServiceKeys.open(keysDir);
    expect(readdirSync(keysDir).sort()).toEqual([`${keys.activeKid}.json`, 'active'].sort());
  });

  it('round-trips a payload with the active kid and typ in the header', async () => {
    const keys = await ServiceKeys.open(keysDir);
    const jws = await keys.sign(payload, TYP);
    const verified = await keys.verify<typeof payload>(jws, { typ: TYP });
    expect(verified.payload).toEqual(payload);
    expect(verified.header).toEqual({ alg: 'EdDSA', kid: keys.activeKid, typ: TYP });
    expect((await keys.verify<number[]>(await keys.sign([3, 2, 1], TYP))).payload).toEqual([
      3, 2, 1,
    ]);
  });

  it('refuses a one-byte change in the header, payload or signature', async () => {
    const keys = await ServiceKeys.open(keysDir);
    const jws = await keys.sign(payload, TYP);
    const [h, p, s] = segments(jws);

    const header = b64(decode(h).replace(TYP, `${TYP.slice(0, -1)}x`));
    expect(await refusal(() => keys.verify(`${header}.${p}.${s}`))).toBe('BAD_SIGNATURE');
    const body = b64(decode(p).replace('C-2026-001', 'C-2026-002'));
    expect(await refusal(() => keys.verify(`${h}.${body}.${s}`))).toBe('BAD_SIGNATURE');
    const signature = Buffer.from(s, 'base64url');
    signature[10] = (signature[10] ?? 0) ^ 0x01;
    expect(await refusal(() => keys.verify(`${h}.${p}.${b64(signature)}`))).toBe('BAD_SIGNATURE');

    // Any single character replaced anywhere is refused, whatever the reason.
    const reasons = new Set<string>();
    for (let i = 0; i < jws.length; i++) {
      if (jws[i] === '.') continue;
      const replacement = jws[i] === 'A' ? 'B' : 'A';
      reasons.add(
        await refusal(() => keys.verify(`${jws.slice(0, i)}${replacement}${jws.slice(i + 1)}`)),
      );
    }
    expect(reasons.has('BAD_SIGNATURE')).toBe(true);
    expect([...reasons].every((r) => r !== 'WRONG_TYPE')).toBe(true);
  });

  it('refuses a token signed by another key under the same kid', async () => {
    const keys = await ServiceKeys.open(keysDir);
    const { privateKey } = generateKeyPairSync('ed25519');
    const forged = await signJws(payload, { kid: keys.activeKid, privateKey }, TYP);
    expect(await refusal(() => keys.verify(forged))).toBe('BAD_SIGNATURE');
    expect(await refusal(() => verifyJws(forged, keys.jwks()))).toBe('BAD_SIGNATURE');
  });

  it('refuses a key that is not in the set', async () => {
    const keys = await ServiceKeys.open(keysDir);
    const other = await ServiceKeys.open(path.join(dir, 'other-keys'));
    const foreign = await other.sign(payload, TYP);
    expect(await refusal(() => keys.verify(foreign))).toBe('UNKNOWN_KEY');
  });

  it('refuses alg none, HS256 keyed with the public key, and ES256 before any key lookup', async () => {
    const keys = await ServiceKeys.open(keysDir);
    const jwk = keys.jwks().keys[0];
    if (!jwk) throw new Error('no key');
    const body = b64(JSON.stringify(payload));
    const header = (alg: string): string => b64(JSON.stringify({ alg, kid: jwk.kid, typ: TYP }));

    expect(await refusal(() => keys.verify(`${header('none')}.${body}.`))).toBe('UNSUPPORTED_ALG');
    expect(
      await refusal(() => keys.verify(`${header('none')}.${body}.${b64(Buffer.alloc(64))}`)),
    ).toBe('UNSUPPORTED_ALG');
    const pem = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    for (const secret of [Buffer.from(jwk.x, 'base64url'), Buffer.from(pem), Buffer.from(jwk.x)]) {
      const input = `${header('HS256')}.${body}`;
      const mac = createHmac('sha256', secret).update(input).digest();
      expect(await refusal(() => keys.verify(`${input}.${b64(mac)}`))).toBe('UNSUPPORTED_ALG');
    }
    const es256 = `${header('ES256')}.${body}.${b64(Buffer.alloc(64, 1))}`;
    expect(await refusal(() => keys.verify(es256))).toBe('UNSUPPORTED_ALG');
    expect(
      await refusal(() => keys.verify(`${header('eddsa')}.${body}.${b64(Buffer.alloc(64))}`)),
    ).toBe('UNSUPPORTED_ALG');
  });

  it('never trusts a key embedded in or pointed at by the header', async () => {
    const keys = await ServiceKeys.open(keysDir);
    const { privateKey } = generateKeyPairSync('ed25519');
    const attacker = await publicJwk(privateKey);
    const base = { alg: 'EdDSA', kid: attacker.kid, typ: TYP };
    const embedded = forgeEdDsa({ ...base, jwk: attacker }, payload, privateKey);
    expect(await refusal(() => keys.verify(embedded))).toBe('MALFORMED');
    // Even when the embedded key's kid is in the set, the header is refused outright.
    const inSet = forgeEdDsa(
      { ...base, kid: keys.activeKid, jwk: keys.jwks().keys[0] },
      payload,
      privateKey,
    );
    expect(await refusal(() => verifyJws(inSet, keys.jwks()))).toBe('MALFORMED');
    for (const extra of [
      { jku: 'https://evil.example/jwks.json' },
      { x5u: 'https://evil.example/cert.pem' },
      { crit: ['exp'] },
    ]) {
      expect(
        await refusal(() => keys.verify(forgeEdDsa({ ...base, ...extra }, payload, privateKey))),
      ).toBe('MALFORMED');
    }
  });

  it('refuses malformed compact serializations', async () => {
    const keys = await ServiceKeys.open(keysDir);
    const jws = await keys.sign(payload, TYP);
    const [h, p, s] = segments(jws);
    const sig = Buffer.from(s, 'base64url');
    const malformed = [
      `${h}.${p}`,
      `${jws}.${s}`,
      `${h}.${p}.${s}=`,
      `${h}.${p}.${s.slice(0, -1)}+`,
      `${h}.${p}.${b64(sig.subarray(0, 63))}`,
      `${h}.${p}.${b64(Buffer.concat([sig, Buffer.alloc(1)]))}`,
      `${h}..${s}`,
      `${b64('not json')}.${p}.${s}`,
      `${b64('["EdDSA"]')}.${p}.${s}`,
      `${b64(JSON.stringify({ alg: 'EdDSA', typ: TYP }))}.${p}.${s}`,
      `${h}.${b64(Buffer.from([0xff, 0xfe]))}.${s}`,
      '',
    ];
    for (const token of malformed)
      expect(await refusal(() => keys.verify(token))).toBe('MALFORMED');
  });

  it('checks the typ when asked to', async () => {
    const keys = await ServiceKeys.open(keysDir);
    const jws = await keys.sign(payload, 'sealed-agreement+jws');
    expect(await refusal(() => keys.verify(jws, { typ: TYP }))).toBe('WRONG_TYPE');
    expect(await refusal(() => verifyJws(jws, keys.jwks(), { typ: TYP }))).toBe('WRONG_TYPE');
    expect((await keys.verify(jws, { typ: 'sealed-agreement+jws' })).header.typ).toBe(
      'sealed-agreement+jws',
    );
  });

  it('loads the same keys after a restart', async () => {
    const first = await ServiceKeys.open(keysDir);
    const jws = await first.sign(payload, TYP);
    const second = await ServiceKeys.open(keysDir);
    expect(second.activeKid).toBe(first.activeKid);
    expect(second.jwks()).toEqual(first.jwks());
    expect((await second.verify(jws, { typ: TYP })).payload).toEqual(payload);
    expect(await second.sign(payload, TYP)).toBe(jws);
  });

  it('keeps the directory at 0700 and every file at 0600', async () => {
    const keys = await ServiceKeys.open(keysDir);
    await keys.rotate();
    expect(mode(keysDir)).toBe(0o700);
    const files = readdirSync(keysDir).sort();
    expect(files).toHaveLength(3);
    expect(files).toContain('active');
    for (const file of files) expect(mode(path.join(keysDir, file))).toBe(0o600);
  });

  it('rotates to a new key while old signatures keep verifying', async () => {
    let clock = Date.UTC(2026, 0, 1, 9, 0);
    const now = (): Date => new Date((clock += 60_000));
    const keys = await ServiceKeys.open(keysDir, { now });
    const oldKid = keys.activeKid;
    const old = await keys.sign(payload, TYP);

    const newKid = await keys.rotate();
    expect(newKid).not.toBe(oldKid);
    expect(keys.activeKid).toBe(newKid);
    expect((await keys.verify(old, { typ: TYP })).payload).toEqual(payload);
    expect((await verifyJws(old, keys.jwks(), { typ: TYP })).header.kid).toBe(oldKid);
    expect((await keys.verify(await keys.sign(payload, TYP))).header.kid).toBe(newKid);
    expect(keys.jwks().keys.map((k) => k.kid)).toEqual([newKid, oldKid]);

    expect(keys.keyInfo()).toEqual([
      { kid: newKid, createdAt: '2026-01-01T09:02:00.000Z', retiredAt: null, active: true },
      {
        kid: oldKid,
        createdAt: '2026-01-01T09:01:00.000Z',
        retiredAt: '2026-01-01T09:03:00.000Z',
        active: false,
      },
    ]);

    const reopened = await ServiceKeys.open(keysDir);
    expect(reopened.activeKid).toBe(newKid);
    expect(reopened.keyInfo()).toEqual(keys.keyInfo());
    expect((await reopened.verify(old)).payload).toEqual(payload);
  });

  it('serialises concurrent rotations', async () => {
    const keys = await ServiceKeys.open(keysDir);
    const kids = await Promise.all([keys.rotate(), keys.rotate()]);
    expect(keys.activeKid).toBe(kids[1]);
    expect(keys.keyInfo().filter((k) => k.active)).toHaveLength(1);
    expect(keys.keyInfo().filter((k) => k.retiredAt === null)).toHaveLength(1);
    expect((await ServiceKeys.open(keysDir)).keyInfo()).toEqual(keys.keyInfo());
  });

  it('refuses to open over a corrupt key file instead of making a new key', async () => {
    const keys = await ServiceKeys.open(keysDir);
    writeFileSync(path.join(keysDir, `${keys.activeKid}.json`), '{"kid":');
    await expect(ServiceKeys.open(keysDir)).rejects.toThrow(ServiceKeysError);
    await expect(ServiceKeys.open(keysDir)).rejects.toThrow(keys.activeKid);
  });

  it('refuses a key file holding a different key than its name says', async () => {
    const keys = await ServiceKeys.open(keysDir);
    writeFileSync(
      path.join(keysDir, `${keys.activeKid}.json`),
      JSON.stringify({
        kid: keys.activeKid,
        createdAt: '2026-01-01T00:00:00.000Z',
        retiredAt: null,
        privateKeyPem: generateKeyPairSync('ed25519')
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
      }),
    );
    await expect(ServiceKeys.open(keysDir)).rejects.toThrow(ServiceKeysError);
  });

  it('refuses an active file that names a missing key', async () => {
    await ServiceKeys.open(keysDir);
    writeFileSync(path.join(keysDir, 'active'), `${'A'.repeat(43)}\n`);
    await expect(ServiceKeys.open(keysDir)).rejects.toThrow(/does not exist/);
    writeFileSync(path.join(keysDir, 'active'), 'garbage\n');
    await expect(ServiceKeys.open(keysDir)).rejects.toThrow(ServiceKeysError);
  });

  it('ignores unrelated files in the key directory', async () => {
    const keys = await ServiceKeys.open(keysDir);
    writeFileSync(path.join(keysDir, 'README.txt'), 'keys live here');
    writeFileSync(path.join(keysDir, 'notes.json'), 'not a key');
    const reopened = await ServiceKeys.open(keysDir);
    expect(reopened.activeKid).toBe(keys.activeKid);
    expect(reopened.jwks().keys).toHaveLength(1);
  });
});
