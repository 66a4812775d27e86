/**
 * Who may do what in a live session. The token names the role; this table is
 * the only place that decides what the role allows. Clerks and courts never
 * join a session, so they have no session role.
 */
export const SESSION_ROLES = ['mediator', 'party', 'agent', 'observer'] as const;
export type SessionRole = (typeof SESSION_ROLES)[number];

/** The side of the dispute a party (or the agent of one) stands on. */
export const PROCEDURAL_SIDES = ['applicant', 'respondent'] as const;
export type ProceduralSide = (typeof PROCEDURAL_SIDES)[number];

export const MEDIA_SOURCES = ['microphone', 'camera', 'screen'] as const;
export type MediaSource = (typeof MEDIA_SOURCES)[number];

export const PERMISSIONS = [
  'session.join',
  'media.consume',
  'media.publish.microphone',
  'media.publish.camera',
  'media.publish.screen',
  'evidence.present',
  /** Share an item of one's own side with every party. */
  'evidence.share',
  /** Keep an item confidential to a caucus, or lift that. */
  'evidence.confidential',
  'recording.control',
  'session.moderate',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const TABLE: Record<SessionRole, readonly Permission[]> = {
  mediator: [
    'session.join',
    'media.consume',
    'media.publish.microphone',
    'media.publish.camera',
    'media.publish.screen',
    'evidence.present',
    'evidence.share',
    'evidence.confidential',
    'recording.control',
    'session.moderate',
  ],
  // Parties and agents show documents on screen while presenting evidence.
  party: [
    'session.join',
    'media.consume',
    'media.publish.microphone',
    'media.publish.camera',
    'media.publish.screen',
    'evidence.present',
    'evidence.share',
  ],
  agent: [
    'session.join',
    'media.consume',
    'media.publish.microphone',
    'media.publish.camera',
    'media.publish.screen',
    'evidence.present',
    'evidence.share',
  ],
  // An observer listens and watches; publishing needs the mediator's leave
  // (a moderation feature of the mediator console, not granted by the role).
  observer: ['session.join', 'media.consume'],
};

export function can(role: SessionRole, permission: Permission): boolean {
  return TABLE[role].includes(permission);
}

export function publishPermission(source: MediaSource): Permission {
  switch (source) {
    case 'microphone':
      return 'media.publish.microphone';
    case 'camera':
      return 'media.publish.camera';
    case 'screen':
      return 'media.publish.screen';
  }
}
