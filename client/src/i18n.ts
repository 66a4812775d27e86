/** UI strings: Simplified Chinese first, English second. */
export type Lang = 'zh-CN' | 'en';

const zh = {
  title: '在线调解',
  subtitle: '劳动人事争议在线调解',
  preview: '加入前请检查摄像头和麦克风',
  join: '加入调解',
  joining: '正在加入…',
  leave: '离开',
  left: '您已离开调解。可关闭此页面。',
  rejoin: '重新加入',
  micOn: '麦克风：开',
  micOff: '麦克风：关',
  camOn: '摄像头：开',
  camOff: '摄像头：关',
  you: '（我）',
  muted: '已静音',
  cameraOff: '摄像头已关闭',
  noDevices: '无法使用摄像头或麦克风：',
  listenOnly: '您以旁听身份参加，只能收听和观看。',
  reconnecting: '网络中断，正在重新连接…',
  mediaReset: '媒体服务已恢复，正在重新建立音视频…',
  connected: '已连接',
  waiting: '等待其他参与人加入…',
  quality: '清晰度',
  shareScreen: '共享屏幕',
  stopShare: '停止共享',
  screenOf: '屏幕共享：',
  qualityHigh: '高',
  qualityMedium: '中',
  qualityLow: '低',
  linkMissing: '链接无效：缺少身份凭证。请使用调解组织发送的完整链接。',
  TOKEN_MISSING: '链接无效：缺少身份凭证。',
  TOKEN_INVALID: '链接无效或已被篡改，请联系调解员获取新链接。',
  TOKEN_EXPIRED: '链接已过期，请联系调解员获取新链接。',
  TOKEN_REVOKED: '您已被移出本次调解。',
  replaced: '您已在其他设备或窗口加入，本页面已断开。',
  inviteInvalid: '邀请链接无效、已过期或已被撤销，请联系调解组织获取新链接。',
  deadlines: '案件期限',
  evidence: '证据材料',
  refresh: '刷新',
  confidential: '背靠背保密',
  view: '查看',
  present: '出示',
  noEvidence: '尚未提交证据。',
  evidenceTitle: '证据名称',
  evidencePurpose: '证明目的',
  originalOrCopy: '原件或复印件',
  original: '原件',
  copy: '复印件',
  file: '文件',
  upload: '提交证据',
  uploadFailed: '上传失败，请检查网络后重试。',
  receipt: '证据收据',
  pages: '页',
  receivedAt: '接收时间：',
  presents: ' 出示：',
  close: '关闭',
  download: '下载',
  legalBasis: '依据：',
  whenPassed: '期限届满：',
  noSession: '本案目前没有已安排或正在进行的调解，请按调解通知书的时间再打开此链接。',
  error: '出错了：',
  case: '案件',
  session: '场次',
  language: 'English',
} as const;

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  title: 'Online mediation',
  subtitle: 'Labour and personnel dispute mediation',
  preview: 'Check your camera and microphone before joining',
  join: 'Join mediation',
  joining: 'Joining…',
  leave: 'Leave',
  left: 'You have left the mediation. You may close this page.',
  rejoin: 'Join again',
  micOn: 'Microphone: on',
  micOff: 'Microphone: off',
  camOn: 'Camera: on',
  camOff: 'Camera: off',
  you: ' (you)',
  muted: 'Muted',
  cameraOff: 'Camera off',
  noDevices: 'Cannot use the camera or microphone: ',
  listenOnly: 'You take part as an observer: you can listen and watch.',
  reconnecting: 'Connection lost, reconnecting…',
  mediaReset: 'Media service recovered, re-establishing audio and video…',
  connected: 'Connected',
  waiting: 'Waiting for others to join…',
  quality: 'Quality',
  shareScreen: 'Share screen',
  stopShare: 'Stop sharing',
  screenOf: 'Screen of ',
  qualityHigh: 'High',
  qualityMedium: 'Medium',
  qualityLow: 'Low',
  linkMissing:
    'Invalid link: no credentials. Use the full link sent by the mediation organisation.',
  TOKEN_MISSING: 'Invalid link: no credentials.',
  TOKEN_INVALID: 'The link is invalid or has been altered; ask the mediator for a new one.',
  TOKEN_EXPIRED: 'The link has expired; ask the mediator for a new one.',
  TOKEN_REVOKED: 'You have been removed from this mediation.',
  replaced: 'You joined from another device or window; this page is disconnected.',
  inviteInvalid:
    'The invitation link is invalid, expired or revoked; ask the mediation organisation for a new one.',
  deadlines: 'Deadlines of the case',
  evidence: 'Evidence',
  refresh: 'Refresh',
  confidential: 'caucus-confidential',
  view: 'View',
  present: 'Present',
  noEvidence: 'No evidence submitted yet.',
  evidenceTitle: 'Title',
  evidencePurpose: 'What it proves',
  originalOrCopy: 'Original or copy',
  original: 'Original',
  copy: 'Copy',
  file: 'File',
  upload: 'Submit evidence',
  uploadFailed: 'The upload failed; check the connection and retry.',
  receipt: 'Evidence receipt',
  pages: 'pages',
  receivedAt: 'Received: ',
  presents: ' presents: ',
  close: 'Close',
  download: 'Download',
  legalBasis: 'Legal basis: ',
  whenPassed: 'When it passes: ',
  noSession:
    'No session of this case is scheduled or in progress; open this link again at the time in your session notice.',
  error: 'Error: ',
  case: 'Case',
  session: 'Session',
  language: '中文',
};

let current: Lang = localStorage.getItem('lang') === 'en' ? 'en' : 'zh-CN';

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem('lang', next);
  document.documentElement.lang = next;
}

export function t(key: MessageKey): string {
  return current === 'en' ? en[key] : zh[key];
}

export type DeadlineKindKey =
  | 'acceptance_decision'
  | 'mediation_period'
  | 'judicial_confirmation'
  | 'arbitration_review'
  | 'performance';

const DEADLINE_LABELS: Record<DeadlineKindKey, [string, string]> = {
  acceptance_decision: ['受理审查期限', 'Decision on acceptance'],
  mediation_period: ['调解期限', 'Mediation period'],
  judicial_confirmation: ['申请司法确认期限', 'Judicial confirmation window'],
  arbitration_review: ['申请仲裁审查期限', 'Arbitration review window'],
  performance: ['履行期限', 'Performance deadline'],
};

const DEADLINE_STATUS: Record<'open' | 'met' | 'overdue' | 'cancelled', [string, string]> = {
  open: ['进行中', 'running'],
  met: ['已完成', 'met'],
  overdue: ['已届满', 'passed'],
  cancelled: ['已取消', 'cancelled'],
};

export function deadlineLabel(kind: DeadlineKindKey): string {
  return DEADLINE_LABELS[kind][current === 'en' ? 1 : 0];
}

export function deadlineStatusLabel(status: keyof typeof DEADLINE_STATUS): string {
  return DEADLINE_STATUS[status][current === 'en' ? 1 : 0];
}
