/**
 * The service's Ed25519 signing keys. Embedded default: one file per key in
 * `${dataDir}/keys`, plus an `active` file naming the key that signs. With
 * SERVICE_KEYS_SECRET (several nodes): in the shared database, sealed
 * (`openShared`, see the end of this comment). Rotation adds a key and
 * switches `active`; older keys stay loaded and published so everything they
 * signed still verifies, but they never sign again.
 *
 * Every file is written to a temporary name in the same directory, fsynced,
 * renamed and followed by an fsync of the directory, so a crash leaves either
 * the old or the new file. Anything inconsistent on disk is an error, never a
 * reason to make a fresh key: that would orphan every published signature.
 *
 * Shared keys: every node loads the keys from the database (`ServiceKeyVault`),
 * private keys sealed with AES-256-GCM under SERVICE_KEYS_SECRET. The first node
 * on an empty database brings the keys of its data directory (so what they
 * signed still verifies) or makes one. A rotation is one transaction; every
 * node sees it within `refreshMs` (its signatures use the new key from then,
 * and a signature by a key it has not loaded yet makes it look again).
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, readdir, rmdir, stat } from 'node:fs/promises';
import { writeFileDurably } from '../storage/durableWrite.js';
import type { ServiceKeyVault, StoredServiceKey } from './KeyVault.js';
import { seal, sealingKey, unseal } from './sealing.js';
import path from 'node:path';
import { z } from 'zod';
import { publicJwk, signJws, verifyJws, type JwsHeader, type Jwks, type PublicJwk } from './jws.js';

const ACTIVE_FILE = 'active';
/** A directory held by the process making the first key (mkdir is atomic). */
const CREATING_LOCK = '.creating';
/** A lock older than this was left by a process that died making the key. */
const STALE_LOCK_MS = 10_000;

/**
 * True once this process holds the first-key lock; false after another process
 * held it and has finished (the `active` file exists, or its lock went stale and
 * was removed): then open again.
 */
async function firstKeyLock(directory: string): Promise<boolean> {
  const lock = path.join(directory, CREATING_LOCK);
  for (;;) {
    try {
      await mkdir(lock, { mode: 0o700 });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const started = await stat(lock).then(
      (s) => s.mtimeMs,
      () => undefined,
    );
    if (started !== undefined && Date.now() - started > STALE_LOCK_MS) {
      await rmdir(lock).catch(() => undefined);
      return false;
    }
    await new Promise((r) => setTimeout(r, 50));
    if ((await readActive(directory)) !== undefined) return false;
  }
}
/** A kid is an RFC 7638 SHA-256 thumbprint: 43 base64url characters. */
const KID = /^[A-Za-z0-9_-]{43}$/;
const KEY_FILE = /^([A-Za-z0-9_-]{43})\.json$/;

const keyFileSchema = z.object({
  kid: z.string().regex(KID),
  createdAt: z.string().datetime(),
  retiredAt: z.string().datetime().nullable(),
  privateKeyPem: z.string().min(1),
});

type KeyFile = z.infer<typeof keyFileSchema>;

interface ServiceKey {
  kid: string;
  createdAt: string;
  retiredAt: string | null;
  privateKey: KeyObject;
  jwk: PublicJwk;
}

export interface ServiceKeyInfo {
  kid: string;
  createdAt: string;
  retiredAt: string | null;
  active: boolean;
}

/** The key directory cannot be trusted as it is; an operator has to look. */
export class ServiceKeysError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'ServiceKeysError';
  }
}

/** Where shared keys come from and how fresh this node's copy is. */
interface SharedKeys {
  vault: ServiceKeyVault;
  sealing: Buffer;
  refreshMs: number;
  loadedAt: number;
  timer: NodeJS.Timeout | undefined;
}

export class ServiceKeys {
  readonly #directory: string | undefined;
  readonly #now: () => Date;
  readonly #keys: Map<string, ServiceKey>;
  #activeKid: string;
  #rotation: Promise<unknown> = Promise.resolve();
  readonly #shared: SharedKeys | undefined;

  private constructor(
    directory: string | undefined,
    now: () => Date,
    keys: Map<string, ServiceKey>,
    activeKid: string,
    shared?: SharedKeys,
  ) {
    this.#directory = directory;
    this.#now = now;
    this.#keys = keys;
    this.#activeKid = activeKid;
    this.#shared = shared;
    if (shared) {
      shared.timer = setInterval(
        () => void this.#refresh().catch(() => undefined),
        shared.refreshMs,
      );
      shared.timer.unref();
    }
  }

  /**
   * The keys every node shares, from `vault`, sealed under `secret`. On an empty vault the
   * first node stores the keys of `importFrom` (a data directory's key directory), if it
   * holds any, or a new key. A wrong secret is an error, never a reason to make a new key.
   */
  static async openShared(
    vault: ServiceKeyVault,
    secret: string,
    options: { now?: () => Date; importFrom?: string; refreshMs?: number } = {},
  ): Promise<ServiceKeys> {
    const now = options.now ?? (() => new Date());
    const sealing = sealingKey(secret);
    let state = await vault.load();
    if (state.activeKid === undefined) {
      const fromFiles =
        options.importFrom && (await readActive(options.importFrom)) !== undefined
          ? await ServiceKeys.open(options.importFrom, { now })
          : undefined;
      const keys = fromFiles ? [...fromFiles.#keys.values()] : [await createKey(now())];
      const activeKid = fromFiles?.activeKid ?? keys[0]!.kid;
      // Another node may have initialised it meanwhile: then its keys are the ones.
      await vault.initialise(
        keys.map((k) => sealed(k, sealing)),
        activeKid,
        now().toISOString(),
      );
      state = await vault.load();
    }
    const keys = new Map<string, ServiceKey>();
    for (const stored of state.keys) keys.set(stored.kid, await unsealed(stored, sealing));
    const activeKid = state.activeKid;
    const active = activeKid === undefined ? undefined : keys.get(activeKid);
    if (!active || active.retiredAt !== null)
      throw new ServiceKeysError(`The shared active key ${activeKid ?? '(none)'} is not usable`);
    return new ServiceKeys(undefined, now, keys, active.kid, {
      vault,
      sealing,
      refreshMs: options.refreshMs ?? 5_000,
      loadedAt: Date.now(),
      timer: undefined,
    });
  }

  /** Stops looking for other nodes' rotations (shared keys). */
  close(): void {
    if (this.#shared?.timer) clearInterval(this.#shared.timer);
  }

  /** Opens `${dataDir}/keys`, creating it (0700) and a first key when it holds none. */
  static async open(directory: string, options?: { now?: () => Date }): Promise<ServiceKeys> {
    const now = options?.now ?? (() => new Date());
    await mkdir(directory, { recursive: true, mode: 0o700 });
    await chmod(directory, 0o700);
    // Several processes sharing the data directory may start at once on an empty one:
    // one of them makes the first key, the others wait for it.
    if ((await readActive(directory)) === undefined) {
      const made = await firstKeyLock(directory);
      if (!made) return ServiceKeys.open(directory, options);
      try {
        return await ServiceKeys.#load(directory, now);
      } finally {
        await rmdir(path.join(directory, CREATING_LOCK)).catch(() => undefined);
      }
    }
    return ServiceKeys.#load(directory, now);
  }

  static async #load(directory: string, now: () => Date): Promise<ServiceKeys> {
    const keys = new Map<string, ServiceKey>();
    for (const name of (await readdir(directory)).sort()) {
      const kid = KEY_FILE.exec(name)?.[1];
      if (kid !== undefined) keys.set(kid, await loadKey(directory, kid));
    }
    let activeKid = await readActive(directory);

    if (activeKid === undefined) {
      if (keys.size === 0) {
        const key = await createKey(now());
        await writeFileDurably(directory, `${key.kid}.json`, serializeKey(key));
        keys.set(key.kid, key);
      }
      // A crash while the first key was made leaves it without the `active` file;
      // with several keys there is no telling which one should sign.
      const [only, ...others] = [...keys.values()];
      if (!only || others.length > 0 || only.retiredAt !== null) {
        throw new ServiceKeysError(
          `${path.join(directory, ACTIVE_FILE)} is missing and the active key cannot be inferred`,
        );
      }
      await writeFileDurably(directory, ACTIVE_FILE, `${only.kid}\n`);
      activeKid = only.kid;
    }

    const active = keys.get(activeKid);
    if (!active) {
      throw new ServiceKeysError(
        `The active key ${activeKid} named in ${path.join(directory, ACTIVE_FILE)} does not exist`,
      );
    }
    if (active.retiredAt !== null) {
      throw new ServiceKeysError(`The active key ${activeKid} was retired at ${active.retiredAt}`);
    }
    return new ServiceKeys(directory, now, keys, activeKid);
  }

  get activeKid(): string {
    return this.#activeKid;
  }

  async sign(payload: unknown, typ: string): Promise<string> {
    // Shared keys: another node's rotation is seen before signing (one query a second at most).
    const shared = this.#shared;
    if (shared && Date.now() - shared.loadedAt > Math.min(1_000, shared.refreshMs))
      await this.#refresh();
    const key = this.#active();
    return signJws(payload, { kid: key.kid, privateKey: key.privateKey }, typ);
  }

  /** Verifies against every key this service ever had, active or retired. */
  async verify<T>(
    jws: string,
    options?: { typ?: string },
  ): Promise<{ header: JwsHeader; payload: T }> {
    try {
      const { header, payload } = await verifyJws<T>(jws, this.jwks(), options);
      return { header, payload };
    } catch (error) {
      // Signed by a key another node made since this one last looked: look, then try again.
      // Only a key id this node has not loaded is worth a look: a forged or altered
      // signature under a known key must not cost a database read each time.
      const kid = kidOf(jws);
      if (!this.#shared || kid === undefined || this.#keys.has(kid)) throw error;
      await this.#refresh();
      if (!this.#keys.has(kid)) throw error;
      const { header, payload } = await verifyJws<T>(jws, this.jwks(), options);
      return { header, payload };
    }
  }

  /** The public keys to publish at /.well-known/jwks.json, active first, then newest first. */
  jwks(): Jwks {
    return { keys: this.#ordered().map((key) => ({ ...key.jwk })) };
  }

  /** Makes a new key the active one and retires the previous; returns the new kid. */
  rotate(): Promise<string> {
    const rotation = this.#rotation.then(() => this.#rotateNow());
    this.#rotation = rotation.catch(() => undefined);
    return rotation;
  }

  keyInfo(): ServiceKeyInfo[] {
    return this.#ordered().map((key) => ({
      kid: key.kid,
      createdAt: key.createdAt,
      retiredAt: key.retiredAt,
      active: key.kid === this.#activeKid,
    }));
  }

  async #rotateNow(): Promise<string> {
    if (this.#shared) return this.#rotateShared(this.#shared);
    const directory = this.#directory!;
    const previous = this.#active();
    const next = await createKey(this.#now());
    if (this.#keys.has(next.kid)) throw new ServiceKeysError(`Key ${next.kid} already exists`);

    // New key first, then the switch, then the old key's retirement: a crash in
    // between leaves at worst an unused or not-yet-marked key, never a missing one.
    await writeFileDurably(directory, `${next.kid}.json`, serializeKey(next));
    this.#keys.set(next.kid, next);
    await writeFileDurably(directory, ACTIVE_FILE, `${next.kid}\n`);
    this.#activeKid = next.kid;

    const retired: ServiceKey = { ...previous, retiredAt: this.#now().toISOString() };
    await writeFileDurably(directory, `${retired.kid}.json`, serializeKey(retired));
    this.#keys.set(retired.kid, retired);
    return next.kid;
  }

  /** One transaction in the vault; a node that rotated first wins, and its key is loaded. */
  async #rotateShared(shared: SharedKeys): Promise<string> {
    await this.#refresh();
    const previous = this.#active();
    const next = await createKey(this.#now());
    const at = this.#now().toISOString();
    if (!(await shared.vault.rotate(sealed(next, shared.sealing), previous.kid, at))) {
      await this.#refresh();
      throw new ServiceKeysError(
        `Another node rotated the key first; the active key is now ${this.#activeKid}`,
      );
    }
    await this.#refresh();
    return next.kid;
  }

  /** Shared keys: loads what the vault holds now (new keys, retirements, the active key). */
  async #refresh(): Promise<void> {
    const shared = this.#shared;
    if (!shared) return;
    const state = await shared.vault.load();
    for (const stored of state.keys) {
      const known = this.#keys.get(stored.kid);
      if (known) known.retiredAt = stored.retiredAt;
      else this.#keys.set(stored.kid, await unsealed(stored, shared.sealing));
    }
    if (state.activeKid && this.#keys.has(state.activeKid)) this.#activeKid = state.activeKid;
    shared.loadedAt = Date.now();
  }

  #active(): ServiceKey {
    const key = this.#keys.get(this.#activeKid);
    if (!key) throw new ServiceKeysError(`The active key ${this.#activeKid} is not loaded`);
    return key;
  }

  #ordered(): ServiceKey[] {
    const active = this.#active();
    const others = [...this.#keys.values()]
      .filter((key) => key.kid !== active.kid)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.kid.localeCompare(b.kid));
    return [active, ...others];
  }
}

async function createKey(createdAt: Date): Promise<ServiceKey> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = await publicJwk(privateKey);
  return { kid: jwk.kid, createdAt: createdAt.toISOString(), retiredAt: null, privateKey, jwk };
}

function serializeKey(key: ServiceKey): string {
  const file: KeyFile = {
    kid: key.kid,
    createdAt: key.createdAt,
    retiredAt: key.retiredAt,
    privateKeyPem: key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

async function loadKey(directory: string, kid: string): Promise<ServiceKey> {
  const file = path.join(directory, `${kid}.json`);
  try {
    const stored = keyFileSchema.parse(JSON.parse(await readFile(file, 'utf8')));
    const privateKey = createPrivateKey({ key: stored.privateKeyPem, format: 'pem' });
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 key');
    const jwk = await publicJwk(privateKey);
    if (stored.kid !== kid || jwk.kid !== kid) {
      throw new Error(`the key's thumbprint is ${jwk.kid}, its file says ${stored.kid}`);
    }
    return { ...stored, privateKey, jwk };
  } catch (error) {
    throw new ServiceKeysError(`The service key file ${file} is unreadable or corrupt`, {
      cause: error,
    });
  }
}

async function readActive(directory: string): Promise<string | undefined> {
  const file = path.join(directory, ACTIVE_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const kid = text.trim();
  if (!KID.test(kid)) throw new ServiceKeysError(`${file} does not name a key`);
  return kid;
}

function sealed(key: ServiceKey, sealing: Buffer): StoredServiceKey {
  const pem = key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  return {
    kid: key.kid,
    createdAt: key.createdAt,
    retiredAt: key.retiredAt,
    sealedPrivateKey: seal(pem, key.kid, sealing),
  };
}

async function unsealed(stored: StoredServiceKey, sealing: Buffer): Promise<ServiceKey> {
  try {
    const pem = unseal(stored.sealedPrivateKey, stored.kid, sealing);
    const privateKey = createPrivateKey({ key: pem, format: 'pem' });
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 key');
    const jwk = await publicJwk(privateKey);
    if (jwk.kid !== stored.kid)
      throw new Error(`the key's thumbprint is ${jwk.kid}, its row says ${stored.kid}`);
    return {
      kid: stored.kid,
      createdAt: stored.createdAt,
      retiredAt: stored.retiredAt,
      privateKey,
      jwk,
    };
  } catch (error) {
    throw new ServiceKeysError(
      `The shared key ${stored.kid} does not open with SERVICE_KEYS_SECRET (a different secret, or altered)`,
      { cause: error },
    );
  }
}

/** The `kid` of a compact JWS's protected header, if it names one. */
function kidOf(jws: string): string | undefined {
  try {
    const header: unknown = JSON.parse(
      Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8'),
    );
    const kid = (header as { kid?: unknown } | null)?.kid;
    return typeof kid === 'string' && KID.test(kid) ? kid : undefined;
  } catch {
    return undefined;
  }
}
