/**
 * Where the shared signing keys live when several nodes sign with the same
 * keys (SERVICE_KEYS_SECRET set): the database every node uses
 * (db/SqlServiceKeyVault.ts). Private keys arrive and leave sealed.
 */
export interface StoredServiceKey {
  kid: string;
  createdAt: string;
  retiredAt: string | null;
  sealedPrivateKey: string;
}

export interface ServiceKeyVault {
  load(): Promise<{ keys: StoredServiceKey[]; activeKid: string | undefined }>;
  /**
   * Stores `keys` and makes `activeKid` the active one, unless a key is active already
   * (another node got there first): then nothing is written and it returns false.
   */
  initialise(keys: readonly StoredServiceKey[], activeKid: string, at: string): Promise<boolean>;
  /**
   * In one transaction: stores `next`, retires `previousKid` at `at` and makes `next` active,
   * only if `previousKid` is still the active key; false (nothing written) otherwise.
   */
  rotate(next: StoredServiceKey, previousKid: string, at: string): Promise<boolean>;
}
