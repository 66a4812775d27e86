/**
 * The parts of the call page its first screen (device check, name, join
 * button) does not need, each loaded once, on demand, as its own chunks:
 * the media and signalling client (mediasoup-client, socket.io-client) and
 * the session floor and the in-call view (Vue) when joining — fetched early, while the camera starts,
 * so the join does not wait for them — and, beside an invitation's page, the documents
 * inbox, the extension panel and the procedure card, after its first screen is drawn.
 */
const once = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      // A failed fetch (the network dropped) is tried again next time.
      loading = undefined;
      throw error;
    });
    return loading;
  };
};

export const callParts = once(async () => {
  const [{ CallClient }, { SessionFloor }, { mountCallView }] = await Promise.all([
    import('./CallClient.js'),
    import('./floor/SessionFloor.js'),
    import('./view/mount.js'),
  ]);
  return { CallClient, SessionFloor, mountCallView };
});

/**
 * The mediator's case register (who is who in the case, from the staff API): a mediator's
 * part only, so a party's join does not fetch it, nor the staff API client it brings along.
 */
export const mediatorParts = once(async () => {
  const { CaseRegister } = await import('./floor/caseRegister.js');
  return { CaseRegister };
});

export const documentParts = once(() => import('../shared/documents/mount.js'));

/** A party's procedural steps (Vue): shown also when no call can start, but never on the first screen. */
export const procedureParts = once(() => import('./procedure/mount.js'));
