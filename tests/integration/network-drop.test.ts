/**
 * A participant whose network drops (the socket's transport closes without a
 * goodbye) keeps their place for a while: the others see them as
 * reconnecting, not as gone, and their new connection takes the place back
 * without the waiting room. Leaving on purpose still leaves at once.
 */
import { describe, expect, it } from 'vitest';
import { fakePeer } from '../support/fakeDevice.js';
import { sharedTestServer } from '../support/server.js';

describe('a dropped connection', () => {
  const shared = sharedTestServer();

  it('is shown to the others as reconnecting, and the person comes back admitted', async () => {
    const mediator = await shared.client({ sub: 'drop-m', role: 'mediator' });
    await fakePeer(mediator);
    const party = await shared.client({ sub: 'drop-p' });
    await fakePeer(party, { admitBy: mediator });

    const updated = mediator.next(
      'participant:updated',
      5_000,
      (p) => p.participantId === 'drop-p',
    );
    const left = mediator.next('participant:left', 1_500).then(
      () => 'left',
      () => 'stayed',
    );
    // The transport closes under the socket, as when the network fails.
    party.socket.io.engine.close();
    expect(await updated).toMatchObject({ participantId: 'drop-p', reconnecting: true });
    expect(await left).toBe('stayed');
    const list = await mediator.request('session:participants', {});
    expect(list.participants.map((p) => p.participantId)).toContain('drop-p');

    // Back on a new connection: admitted at once, shown as connected again.
    const joined = mediator.next('participant:joined', 5_000, (p) => p.participantId === 'drop-p');
    const again = await shared.client({ sub: 'drop-p' });
    const peer = await fakePeer(again);
    expect(peer.join.admission).toBe('admitted');
    expect((await joined).reconnecting).toBe(false);
  });

  it('is not kept when the person leaves on purpose', async () => {
    const mediator = await shared.client({ sub: 'leave-m', role: 'mediator' });
    await fakePeer(mediator);
    const party = await shared.client({ sub: 'leave-p' });
    await fakePeer(party, { admitBy: mediator });
    const left = mediator.next('participant:left', 5_000);
    party.close();
    expect(await left).toEqual({ participantId: 'leave-p' });
  });
});
