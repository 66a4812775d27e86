import { describe, expect, it } from 'vitest';
import { MEDIA_SOURCES, SESSION_ROLES, can, publishPermission } from '../../signaling/index.js';

describe('role permission table', () => {
  it('lets an observer join and receive but never publish', () => {
    expect(can('observer', 'session.join')).toBe(true);
    expect(can('observer', 'media.consume')).toBe(true);
    for (const source of MEDIA_SOURCES)
      expect(can('observer', publishPermission(source))).toBe(false);
  });

  it('lets mediators, parties and agents publish every source', () => {
    for (const role of ['mediator', 'party', 'agent'] as const) {
      for (const source of MEDIA_SOURCES)
        expect(can(role, publishPermission(source)), `${role} ${source}`).toBe(true);
    }
  });

  it('lets every session role join and receive', () => {
    for (const role of SESSION_ROLES) {
      expect(can(role, 'session.join')).toBe(true);
      expect(can(role, 'media.consume')).toBe(true);
    }
  });
});
