/**
 * Strings of the call page's leave/rejoin flow, its announcements and the
 * procedural sides on tiles, one language at a time (the language switch
 * picks; Chinese by default).
 */
import { label, type Labels } from '../i18n.js';

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
