/**
 * What a call page waits for after its media was torn down: every stream
 * that flowed before, until it decodes again or cannot come back (its owner
 * left or paused it). Tiles of those awaited say 重连中, never 已静音.
 */
import { describe, expect, it } from 'vitest';
import { MediaRecovery } from '../../client/src/call/recovery.js';

const cam = (participantId: string) => ({
  participantId,
  source: 'camera',
  kind: 'video' as const,
});
const mic = (participantId: string) => ({
  participantId,
  source: 'microphone',
  kind: 'audio' as const,
});

describe('media recovery bookkeeping', () => {
  it('awaits what flowed before the teardown until each stream is back', () => {
    const r = new MediaRecovery();
    expect(r.awaiting('a')).toBe(false);
    r.begin([cam('a'), mic('a'), cam('b')]);
    expect(r.active).toBe(true);
    expect(r.awaiting('a')).toBe(true);
    expect(r.awaiting('b')).toBe(true);
    r.settle(cam('b'));
    expect(r.awaiting('b')).toBe(false);
    r.settle(cam('a'));
    // Audio is part of "back": a tile is not marked back while its sound is missing.
    expect(r.awaiting('a')).toBe(true);
    expect(r.complete).toBe(false);
    r.settle(mic('a'));
    expect(r.complete).toBe(true);
    r.finish();
    expect(r.active).toBe(false);
  });

  it('stops awaiting people who left, or whose stream was paused meanwhile', () => {
    const r = new MediaRecovery();
    r.begin([cam('a'), mic('a'), cam('b'), cam('c')]);
    r.forget('a');
    r.forgetSource('b', 'camera');
    r.retain(['a', 'b']);
    expect(r.pending()).toEqual([]);
    expect(r.complete).toBe(true);
  });

  it('keeps what an unfinished recovery still awaited when media is torn down again', () => {
    const r = new MediaRecovery();
    r.begin([cam('a'), cam('b')]);
    r.settle(cam('a'));
    // Second teardown: only a's camera was flowing again; b's is still awaited.
    r.begin([cam('a')]);
    expect(
      r
        .pending()
        .map((m) => m.participantId)
        .sort(),
    ).toEqual(['a', 'b']);
  });

  it('says nothing is awaited once finished, even for someone still pending', () => {
    const r = new MediaRecovery();
    r.begin([cam('a')]);
    r.finish();
    expect(r.awaiting('a')).toBe(false);
    expect(r.pending()).toEqual([]);
  });
});
