/**
 * Strings of the call page's leave/rejoin flow, its announcements and the
 * procedural sides on tiles, one language at a time (the language switch
 * picks; Chinese by default).
 */
import type { ProceduralSide, SessionRole } from '../../../signaling/roles.js';
import { label, lang, type Labels } from '../shared/i18n.js';

const TEXT = {
  leaveConfirm: [
    '确定离开本次调解吗？离开后可以重新加入。',
    'Leave the mediation? You can join again afterwards.',
  ],
  leaveYes: ['确定离开', 'Leave'],
  stay: ['留在调解中', 'Stay'],
  left: ['您已离开调解。', 'You have left the mediation.'],
  leftHint: [
    '如是误操作，点“重新加入”即可回到调解。',
    'If that was a mistake, choose “Join again” to go back.',
  ],
  rejoin: ['重新加入', 'Join again'],
  credentialRefused: [
    '此页面保存的参加凭证已失效，已从本页删除。',
    'The credential this page kept is no longer valid and has been removed from this page.',
  ],
  announceLeft: ['已离开调解', 'has left the mediation'],
  announceBack: ['已回到调解', 'is back in the mediation'],
  announceRecordingStopped: ['录制已停止', 'Recording has stopped'],
  announcements: ['会场通知', 'Session announcements'],
  inCaucus: ['背靠背中', 'In caucus'],
  outsideCaucus: ['未参加背靠背', 'Not in the caucus'],
  applicant: ['申请人', 'Applicant'],
  respondent: ['被申请人', 'Respondent'],
  agent: ['代理人', 'Agent'],
  applicantAgent: ['申请人代理人', 'Applicant’s agent'],
  respondentAgent: ['被申请人代理人', 'Respondent’s agent'],
  mediator: ['调解员', 'Mediator'],
  observer: ['旁听人', 'Observer'],
  party: ['当事人', 'Party'],
} as const satisfies Labels<string>;

export type CallText = keyof typeof TEXT;

export function ct(key: CallText): string {
  return label<CallText>(TEXT, key);
}

/**
 * How a participant takes part, as tiles say it: 申请人 / 被申请人 for a party,
 * 代理人 (of which side, when known), 调解员, 旁听人.
 */
export function sideLabel(role: SessionRole, side: ProceduralSide | undefined): string {
  switch (role) {
    case 'mediator':
      return ct('mediator');
    case 'observer':
      return ct('observer');
    case 'agent':
      return ct(
        side === 'applicant'
          ? 'applicantAgent'
          : side === 'respondent'
            ? 'respondentAgent'
            : 'agent',
      );
    case 'party':
      return ct(side ?? 'party');
  }
}

/**
 * A server message written "中文 / English", in the page's language only; any
 * other text as it is.
 */
export function localText(message: string): string {
  const at = message.indexOf(' / ');
  if (at < 0) return message;
  const zh = message.slice(0, at);
  const en = message.slice(at + 3);
  if (!/[\u4e00-\u9fff]/.test(zh) || /[\u4e00-\u9fff]/.test(en)) return message;
  return lang() === 'en' ? en : zh;
}
