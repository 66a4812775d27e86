/**
 * UI strings: Simplified Chinese first, English second.
 *
 * Size: data — the string table, Chinese first then English; replaced by the vue-i18n catalogue (issue 17, must-have 1).
 */
import type { ErrorCode, Reason } from '../../signaling/index.js';

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
  reconnectingShort: '重连中',
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
  TOKEN_REVOKED: '您的参加链接已被撤销，请联系调解组织。',
  ACCESS_WITHDRAWN:
    '您已无权参加本次调解（账号停用、不再承办本案或已不是本案参加人），请联系调解组织。',
  SESSION_CLOSED: '本次调解已结束或已取消。',
  replaced: '您已在其他设备或窗口加入，本页面已断开。',
  inviteInvalid: '邀请链接无效、已过期或已被撤销，请联系调解组织获取新链接。',
  deadlines: '案件期限',
  deadlineProvisional: '暂定：节假日安排尚未公布，日期可能变动',
  evidence: '证据材料',
  refresh: '刷新',
  confidential: '背靠背保密',
  view: '查看',
  present: '出示',
  noEvidence: '尚未提交证据。',
  evidenceTitle: '证据名称',
  evidencePurpose: '证明目的',
  originalOrCopy: '原件或复印件',
  category: '材料类别',
  categoryEvidence: '证据材料',
  categoryIdentity: '身份证明',
  categoryAuthorisation: '授权委托书',
  categorySignedAgreement: '已签署调解协议书',
  original: '原件',
  copy: '复印件',
  file: '文件',
  upload: '提交证据',
  uploadFailed: '上传失败，请检查网络后重试。',
  receipt: '证据收据',
  pages: '页',
  activeContent: '注意：该 PDF 含脚本或嵌入内容，仅在隔离环境中查看：',
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
  recStart: '开始录制',
  recStop: '停止录制',
  recOn: '录制中',
  recSelfRecorded: '您的音视频正在录制',
  recSelfPending: '您的音视频未被录制（未确认）',
  recSelfDeclined: '您未同意录制：您的音视频不会被录制，调解员可以看到您尚未同意。',
  recSelfWithdrawn: '您已撤回同意，您的音视频不再录制',
  recStartedBy: '开始录制：',
  recPendingList: '尚未同意录制：',
  recAllConsented: '所有参与人均已同意录制',
  recReopen: '查看录制告知',
  recWithdraw: '撤回同意',
  recWithdrawConfirm: '撤回后，本次录制不再录制您的音视频，且不能再次同意。确定撤回吗？',
  recWithdrawYes: '确定撤回',
  recBadgeOn: '录制中',
  recBadgeOff: '未录制',
  recFailed: '录制操作失败：',
  cancel: '取消',
  consoleTitle: '调解工作台',
  consoleSubtitle: '案件、调解场次与录音录像',
  signInHeading: '工作人员登录',
  username: '用户名',
  password: '密码',
  signIn: '登录',
  signingIn: '正在登录…',
  signOut: '退出登录',
  signInFailed: '用户名或密码错误。',
  sessionExpired: '登录已过期，请重新登录。',
  cases: '案件',
  noCases: '暂无案件。',
  caseNumber: '案号',
  disputeType: '争议类型',
  status: '状态',
  receivedOn: '收件日期',
  mediationDue: '调解期限届满',
  openRecordings: '查看案件',
  backToCases: '返回案件列表',
  recordings: '录音录像',
  noRecordings: '本案暂无录制。',
  startedAt: '开始时间',
  stoppedAt: '结束时间',
  duration: '时长',
  stopReason: '结束方式',
  startedBy: '开始录制人',
  composite: '合成录像',
  rendering: '正在合成录像',
  compositeFailed: '录像合成失败：',
  tracks: '分轨文件',
  participant: '参与人',
  source: '来源',
  endReason: '结束原因',
  play: '播放',
  size: '大小',
  consents: '录制告知确认',
  acknowledgedAt: '确认时间',
  withdrawnAt: '撤回时间',
  notWithdrawn: '未撤回',
  gaps: '录制中断',
  noGaps: '无中断。',
  notes: '说明',
  manifest: '签名清单',
  downloadManifest: '下载签名清单',
  manifestHash: '清单 SHA-256：',
  manifestKey: '签名密钥：',
  verifyHint: '可用本服务的公钥（/.well-known/jwks.json）离线核验签名和每个文件的 SHA-256。',
  timesNote: '时间均为北京时间。',
  loading: '加载中…',
  loadFailed: '加载失败：',
  language: 'English',
  waitingRoomTitle: '等候室',
  waitingRoomBody: '请稍候，调解员将核实身份后准许您进入',
  waitingRoomHint:
    '等候期间可以继续测试摄像头、麦克风和扬声器。进入后，调解员可能请您在摄像头前出示身份证件。',
  selfIdentityConfirmed: '调解员已核实您的身份。',
  selfIdentityFailed: '调解员未能核实您的身份，请按调解员的要求处理。',
  identityDetailsTitle: '核对身份信息',
  identityDetailsHint:
    '请核对以上信息是否为您本人。加入后您将先进入等候室，调解员核实身份后准许您进入；请准备好身份证件。',
  nameLabel: '姓名',
  roleLabel: '身份',
  refused: '调解员未准许您进入本次调解。',
  removed: '调解员已将您移出本次调解，您不能再加入本场调解。',
  lockedOut: '本次调解已锁定，不再接纳新的参加人。如有疑问请联系调解员。',
  forbidden: '您不能加入本次调解。',
  reasonLabel: '原因：',
  unsupportedBrowser:
    '此浏览器不支持音视频调解（缺少 WebRTC 或摄像头、麦克风接口）。请使用最新版的 Chrome、Edge、Firefox 或 Safari 打开链接；微信内打开的，请选择“在浏览器中打开”。',
  deviceDenied:
    '未获得摄像头或麦克风的使用权限。请在浏览器地址栏左侧的权限设置中允许后刷新本页；不开摄像头和麦克风也可以加入。',
  deviceNotFound: '未找到摄像头或麦克风，请检查设备是否已连接。',
  deviceBusy: '摄像头或麦克风正被其他程序占用，请关闭其他程序后刷新本页。',
  deviceInsecure: '页面不是通过安全连接（https）打开的，浏览器不允许使用摄像头和麦克风。',
  deviceOther: '无法使用摄像头或麦克风。',
  deviceCheck: '设备检测',
  micLevel: '麦克风音量（请说话）',
  speakerTest: '播放测试音',
  speakerTestPlaying: '正在播放测试音…',
  speakerTestHint: '能听到提示音，说明扬声器或耳机正常。',
  cameraPreviewHint: '摄像头画面显示在上方“我”的画面中。',
  cameraPreview: '我的摄像头画面',
  floorTitle: '会场管理',
  waitingList: '等候室',
  noneWaiting: '无人等候。',
  admit: '准许进入',
  refuse: '拒绝',
  refuseReason: '拒绝原因（可选）',
  confirmRefuse: '确定拒绝',
  admitUnchecked:
    '此人的身份尚未在本次调解中核实一致。请先核实身份；如确需准许进入，请说明理由（记入案卷）。',
  admitOverrideReason: '准许理由（必填）',
  confirmAdmitOverride: '说明理由并准许进入',
  checkIdentity: '核实身份',
  identityMethod: '核实方式',
  identityNote: '备注（可选）',
  identityMatches: '核实一致',
  identityMismatch: '核实不一致',
  methodIdDocument: '摄像头前出示身份证件',
  methodFace: '人像与证件照比对',
  methodDetails: '核对个人信息',
  methodOther: '其他方式',
  identityConfirmed: '身份已核实',
  identityNotConfirmed: '身份核实未通过',
  identityUnchecked: '身份未核实',
  idDocumentHint:
    '等候中的参加人没有音视频：请先核对个人信息再准许进入；需在摄像头前出示证件的，可说明理由后准许进入，再在参加人列表中核实。',
  participantsTitle: '参加人',
  mute: '静音',
  muteAll: '全体静音',
  allowUnmute: '允许发言',
  remove: '移出',
  removeReason: '移出原因（可选）',
  confirmRemove: '确定移出',
  lockSession: '锁定会议',
  unlockSession: '解除锁定',
  lockedNote: '会议已锁定：新的参加人无法进入。',
  handRaised: '举手',
  raiseHand: '举手',
  lowerHand: '放下手',
  mutedByMediatorShort: '已被调解员静音',
  mutedByMediatorHint: '调解员已将您静音，请举手申请发言。',
  micLockedByMediator: '麦克风：已被静音',
  unmuteRefused: '无法打开麦克风：',
  network: '网络：',
  score: '评分',
  ownConnection: '我的网络：',
  qualityGood: '良好',
  qualityFair: '一般',
  qualityPoor: '较差',
  qualityUnknown: '检测中',
  layerAuto: '自动',
  caucusTitle: '背靠背',
  caucusPick: '选择一方（当事人及其代理人）',
  caucusRecord: '录制背靠背（默认不录制）',
  caucusStart: '开始背靠背',
  caucusEnd: '结束背靠背，全体回到联席调解',
  caucusHint: '另一方听不到、看不到背靠背，只看到正在进行；无需任何人重新进入。',
  caucusNobody: '暂无可单独沟通的一方。',
  caucusWith: '背靠背进行中：',
  caucusRecorded: '（录制中）',
  caucusIsRecorded: '调解员正在录制本次背靠背。',
  caucusOutside: '调解员正在与对方单独沟通（背靠背）',
  caucusOutsideHint:
    '此时您听不到、看不到对方和调解员，对方也听不到、看不到您。请稍候，结束后将自动回到联席调解。',
  caucusInside: '您正在与调解员单独沟通（背靠背）',
  caucusInsideHint: '对方听不到、看不到这里的内容；此处的文字交流和出示的证据标记为保密。',
  caucusAway: '背靠背中',
  peerReconnecting: '网络中断，重连中',
  chatTitle: '文字交流',
  chatInput: '消息',
  chatPlaceholder: '输入消息，按回车发送',
  chatSend: '发送',
  chatEmpty: '暂无消息。',
  chatRecordNote: '文字交流将存入案卷。',
  actionFailed: '操作失败：',
  callControls: '通话控制',
  sidePanel: '会场信息',
  videoArea: '音视频画面',
  sessionsTitle: '调解场次',
  noSessions: '本案暂无调解场次。',
  enterSession: '进入调解室',
  registered: '登记信息：',
  idNumberLabel: '证件号码',
  phoneLabel: '电话',
  sideApplicant: '申请人一方',
  sideRespondent: '被申请人一方',
  kindApplicant: '申请人',
  kindRespondent: '被申请人',
  kindAgent: '代理人',
  kindObserver: '旁听人',
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
  reconnectingShort: 'Reconnecting',
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
  TOKEN_REVOKED: 'Your link has been revoked; contact the mediation organisation.',
  ACCESS_WITHDRAWN:
    'You may no longer take part in this session (account deactivated, no longer on the case, or no longer a participant); contact the mediation organisation.',
  SESSION_CLOSED: 'This session has ended or was cancelled.',
  replaced: 'You joined from another device or window; this page is disconnected.',
  inviteInvalid:
    'The invitation link is invalid, expired or revoked; ask the mediation organisation for a new one.',
  deadlines: 'Deadlines of the case',
  deadlineProvisional: 'provisional: the holiday schedule is not published yet, the date may move',
  evidence: 'Evidence',
  refresh: 'Refresh',
  confidential: 'caucus-confidential',
  view: 'View',
  present: 'Present',
  noEvidence: 'No evidence submitted yet.',
  evidenceTitle: 'Title',
  evidencePurpose: 'What it proves',
  originalOrCopy: 'Original or copy',
  category: 'Category',
  categoryEvidence: 'Evidence',
  categoryIdentity: 'Identity document',
  categoryAuthorisation: 'Power of attorney / authorisation',
  categorySignedAgreement: 'Mediation agreement signed on paper',
  original: 'Original',
  copy: 'Copy',
  file: 'File',
  upload: 'Submit evidence',
  uploadFailed: 'The upload failed; check the connection and retry.',
  receipt: 'Evidence receipt',
  pages: 'pages',
  activeContent:
    'Note: this PDF contains scripts or embedded content; it is only shown sandboxed: ',
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
  recStart: 'Start recording',
  recStop: 'Stop recording',
  recOn: 'Recording',
  recSelfRecorded: 'Your audio and video are being recorded',
  recSelfPending: 'Your audio and video are not recorded (not confirmed)',
  recSelfDeclined:
    'You did not agree: your audio and video are not recorded, and the mediator can see that you have not agreed.',
  recSelfWithdrawn: 'You withdrew your consent; your audio and video are no longer recorded',
  recStartedBy: 'Started by ',
  recPendingList: 'Not yet agreed to be recorded: ',
  recAllConsented: 'Everyone has agreed to be recorded',
  recReopen: 'Read the recording notice',
  recWithdraw: 'Withdraw consent',
  recWithdrawConfirm:
    'After withdrawing, your audio and video are no longer recorded in this recording, and you cannot agree again. Withdraw?',
  recWithdrawYes: 'Withdraw',
  recBadgeOn: 'Recorded',
  recBadgeOff: 'Not recorded',
  recFailed: 'The recording action failed: ',
  cancel: 'Cancel',
  consoleTitle: 'Mediation console',
  consoleSubtitle: 'Cases, sessions and recordings',
  signInHeading: 'Staff sign-in',
  username: 'Username',
  password: 'Password',
  signIn: 'Sign in',
  signingIn: 'Signing in…',
  signOut: 'Sign out',
  signInFailed: 'Wrong username or password.',
  sessionExpired: 'Your sign-in has expired; sign in again.',
  cases: 'Cases',
  noCases: 'No cases.',
  caseNumber: 'Case number',
  disputeType: 'Dispute',
  status: 'Status',
  receivedOn: 'Received',
  mediationDue: 'Mediation period ends',
  openRecordings: 'Open the case',
  backToCases: 'Back to the cases',
  recordings: 'Recordings',
  noRecordings: 'No recordings in this case.',
  startedAt: 'Started',
  stoppedAt: 'Stopped',
  duration: 'Duration',
  stopReason: 'Ended by',
  startedBy: 'Started by',
  composite: 'Composite video',
  rendering: 'Rendering the composite video',
  compositeFailed: 'The composite video could not be rendered: ',
  tracks: 'Track files',
  participant: 'Participant',
  source: 'Source',
  endReason: 'End reason',
  play: 'Play',
  size: 'Size',
  consents: 'Acknowledgements of the notice',
  acknowledgedAt: 'Acknowledged',
  withdrawnAt: 'Withdrawn',
  notWithdrawn: 'not withdrawn',
  gaps: 'Gaps',
  noGaps: 'No gaps.',
  notes: 'Notes',
  manifest: 'Signed manifest',
  downloadManifest: 'Download the signed manifest',
  manifestHash: 'Manifest SHA-256: ',
  manifestKey: 'Signing key: ',
  verifyHint:
    'Verify the signature and every file’s SHA-256 offline with the service’s public keys (/.well-known/jwks.json).',
  timesNote: 'Times are China Standard Time (UTC+8).',
  loading: 'Loading…',
  loadFailed: 'Could not load: ',
  language: '中文',
  waitingRoomTitle: 'Waiting room',
  waitingRoomBody: 'Please wait; the mediator will check your identity and admit you',
  waitingRoomHint:
    'While you wait you can keep testing your camera, microphone and speaker. Once you are in, the mediator may ask you to show your ID document to the camera.',
  selfIdentityConfirmed: 'The mediator has confirmed your identity.',
  selfIdentityFailed:
    'The mediator could not confirm your identity; follow the mediator’s instructions.',
  identityDetailsTitle: 'Check your details',
  identityDetailsHint:
    'Check that these details are yours. On joining you wait in the waiting room until the mediator has checked your identity and admits you; have your ID document ready.',
  nameLabel: 'Name',
  roleLabel: 'Taking part as',
  refused: 'The mediator did not admit you to this session.',
  removed: 'The mediator removed you from this session; you cannot rejoin it.',
  lockedOut: 'This session is locked to newcomers. Contact the mediator if you should be in it.',
  forbidden: 'You may not join this session.',
  reasonLabel: 'Reason: ',
  unsupportedBrowser:
    'This browser cannot take part in audio/video mediation (no WebRTC, camera or microphone access). Open the link in a current Chrome, Edge, Firefox or Safari; inside WeChat, choose “Open in browser”.',
  deviceDenied:
    'Camera or microphone access was denied. Allow it in the permissions next to the address bar and reload this page; you can also join without them.',
  deviceNotFound: 'No camera or microphone was found; check that they are connected.',
  deviceBusy:
    'The camera or microphone is in use by another program; close it and reload this page.',
  deviceInsecure:
    'This page was not opened over a secure connection (https), so the browser does not allow the camera and microphone.',
  deviceOther: 'The camera or microphone cannot be used.',
  deviceCheck: 'Device check',
  micLevel: 'Microphone level (say something)',
  speakerTest: 'Play a test tone',
  speakerTestPlaying: 'Playing the test tone…',
  speakerTestHint: 'If you hear the tone, your speaker or headphones work.',
  cameraPreviewHint: 'Your camera picture is shown above, in your own tile.',
  cameraPreview: 'My camera picture',
  floorTitle: 'Session control',
  waitingList: 'Waiting room',
  noneWaiting: 'Nobody is waiting.',
  admit: 'Admit',
  refuse: 'Refuse',
  refuseReason: 'Reason (optional)',
  confirmRefuse: 'Refuse',
  admitUnchecked:
    'This person’s identity has not been confirmed in this session. Check it first; to admit them anyway, give the reason (kept in the case record).',
  admitOverrideReason: 'Reason for admitting (required)',
  confirmAdmitOverride: 'Admit with this reason',
  checkIdentity: 'Check identity',
  identityMethod: 'Method',
  identityNote: 'Note (optional)',
  identityMatches: 'Confirmed',
  identityMismatch: 'Does not match',
  methodIdDocument: 'ID document shown to the camera',
  methodFace: 'Face compared with the ID photo',
  methodDetails: 'Personal details checked',
  methodOther: 'Other',
  identityConfirmed: 'Identity confirmed',
  identityNotConfirmed: 'Identity not confirmed',
  identityUnchecked: 'Identity not checked',
  idDocumentHint:
    'People waiting send no audio or video: check personal details here before admitting; for an ID document shown to the camera, admit with a reason, then check in the participant list.',
  participantsTitle: 'Participants',
  mute: 'Mute',
  muteAll: 'Mute all',
  allowUnmute: 'Allow to speak',
  remove: 'Remove',
  removeReason: 'Reason (optional)',
  confirmRemove: 'Remove',
  lockSession: 'Lock the session',
  unlockSession: 'Unlock the session',
  lockedNote: 'Locked: newcomers cannot enter.',
  handRaised: 'Hand raised',
  raiseHand: 'Raise hand',
  lowerHand: 'Lower hand',
  mutedByMediatorShort: 'Muted by the mediator',
  mutedByMediatorHint: 'The mediator has muted you; raise your hand to ask to speak.',
  micLockedByMediator: 'Microphone: muted by the mediator',
  unmuteRefused: 'Cannot unmute: ',
  network: 'Network: ',
  score: 'Score',
  ownConnection: 'My connection: ',
  qualityGood: 'good',
  qualityFair: 'fair',
  qualityPoor: 'poor',
  qualityUnknown: 'measuring',
  layerAuto: 'Auto',
  caucusTitle: 'Caucus (private session)',
  caucusPick: 'Choose one side (a party and its agent)',
  caucusRecord: 'Record the caucus (not recorded by default)',
  caucusStart: 'Start the caucus',
  caucusEnd: 'End the caucus: everyone back together',
  caucusHint:
    'The other side neither hears nor sees the caucus, only that one is in progress; nobody rejoins.',
  caucusNobody: 'Nobody to take aside yet.',
  caucusWith: 'Caucus in progress with: ',
  caucusRecorded: ' (recorded)',
  caucusIsRecorded: 'The mediator is recording this caucus.',
  caucusOutside: 'The mediator is speaking privately with the other side',
  caucusOutsideHint:
    'Meanwhile you neither hear nor see them, and they do not hear or see you. Please wait; you return to the joint session automatically.',
  caucusInside: 'You are speaking privately with the mediator',
  caucusInsideHint:
    'The other side neither hears nor sees this; chat and evidence shown here are marked confidential.',
  caucusAway: 'In caucus',
  peerReconnecting: 'Connection lost, reconnecting',
  chatTitle: 'Chat',
  chatInput: 'Message',
  chatPlaceholder: 'Type a message, Enter to send',
  chatSend: 'Send',
  chatEmpty: 'No messages yet.',
  chatRecordNote: 'The chat is kept in the case record.',
  actionFailed: 'Action failed: ',
  callControls: 'Call controls',
  sidePanel: 'Session panel',
  videoArea: 'Video',
  sessionsTitle: 'Sessions',
  noSessions: 'No sessions in this case.',
  enterSession: 'Enter the session',
  registered: 'Registered: ',
  idNumberLabel: 'ID number',
  phoneLabel: 'Phone',
  sideApplicant: 'Applicant’s side',
  sideRespondent: 'Respondent’s side',
  kindApplicant: 'Applicant',
  kindRespondent: 'Respondent',
  kindAgent: 'Agent',
  kindObserver: 'Observer',
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

/** A label in both languages, for values the server sends as codes. */
export type Labels<K extends string> = Record<K, readonly [zh: string, en: string]>;

export function label<K extends string>(labels: Labels<K>, key: K): string {
  const pair = labels[key] as readonly [string, string] | undefined;
  return pair ? pair[current === 'en' ? 1 : 0] : key;
}

/** The colon between a label and its value, as each language writes it. */
export function colon(): string {
  return current === 'en' ? ': ' : '：';
}

/**
 * Why a request failed, by the server's reason code (signaling/reasons.ts),
 * `{name}` filled from its parameters. The console's catalogue carries the same
 * table (console/messages.ts, `labels.reasons`); a test checks both cover every reason.
 */
export const REASON_TEXT: Labels<Reason> = {
  NOT_FOUND: ['未找到所请求的内容（{what}）。', 'Not found: {what}.'],
  INVALID_PAYLOAD: [
    '提交的内容有误，请检查后重试。',
    'The request was not valid; check it and try again.',
  ],
  UNKNOWN_EVENT: ['不支持的请求（{event}）。', 'Unsupported request ({event}).'],
  PARTICIPANT_REMOVED: [
    '调解员已将您移出本次调解。',
    'The mediator removed you from this session.',
  ],
  SESSION_ENDED: ['本次调解已结束或已取消。', 'This session has ended or was cancelled.'],
  ACCOUNT_INACTIVE: ['您的账号已停用。', 'Your account is no longer active.'],
  MEDIATOR_NOT_ASSIGNED: ['您已不再承办本案。', 'You are no longer the mediator of this case.'],
  NOT_IN_CASE: ['您已不是本案的参加人。', 'You are no longer a participant in this case.'],
  INVITATION_REVOKED: [
    '您的参加链接已被撤销或已过期。',
    'Your invitation has been revoked or has expired.',
  ],
  SESSION_OF_OTHER_CASE: ['该场次不属于本案。', 'This session belongs to another case.'],
  ROLE_MAY_NOT_JOIN: ['您的身份不能参加调解场次。', 'Your role may not join sessions.'],
  SESSION_LOCKED: ['本次调解已锁定，不再接纳新的参加人。', 'The session is locked to newcomers.'],
  ADMISSION_REQUIRED: ['请等待调解员准许进入。', 'Wait for the mediator to admit you.'],
  NOT_JOINED: ['您尚未加入本次调解。', 'You have not joined this session.'],
  ALREADY_JOINED: ['您已加入本次调解。', 'You have joined this session already.'],
  JOIN_FIRST: ['请先加入调解。', 'Join the session first.'],
  IDENTITY_CHECK_FAILED: [
    '身份核实未通过，不能准许进入；如确需准许，请说明理由。',
    'The identity check failed: admitting needs a reason.',
  ],
  IDENTITY_UNCHECKED: [
    '尚未核实身份，请先核实；如确需准许，请说明理由。',
    'Identity not checked yet: check it first, or give a reason to admit.',
  ],
  ALREADY_ADMITTED: [
    '该参加人已在调解中；如需请其离开，请移出。',
    'Already admitted: remove the participant instead.',
  ],
  MEDIATOR_NOT_MUTABLE: [
    '不能将调解员静音。',
    'A mediator cannot be muted by another participant.',
  ],
  MUTED_BY_MEDIATOR: [
    '调解员已将您静音，请举手申请发言。',
    'The mediator muted you; raise your hand to ask to speak.',
  ],
  CANNOT_REMOVE_SELF: ['不能移出自己，请直接离开。', 'Leave the session instead.'],
  CAUCUS_IN_PROGRESS: ['背靠背调解正在进行，请先结束。', 'A caucus is in progress; end it first.'],
  NO_CAUCUS: ['当前没有进行中的背靠背调解。', 'No caucus is in progress.'],
  CAUCUS_SIDE_REQUIRED: [
    '调解员参加每一场背靠背调解，请选择要单独沟通的一方。',
    'The mediator is in every caucus; name the side to take aside.',
  ],
  PARTICIPANT_ABSENT: ['该参加人不在本次调解中。', 'That participant is not in the session.'],
  ROLE_MAY_NOT_MODERATE: [
    '您的身份（{role}）不能主持调解。',
    'A {role} may not moderate the session.',
  ],
  SESSION_HAS_ENDED: ['本次调解已结束。', 'The session has ended.'],
  ROUTER_REBUILDING: [
    '媒体服务正在恢复，请稍后重试。',
    'The media service is being restored; retry shortly.',
  ],
  MEDIA_WORKER_UNAVAILABLE: ['媒体服务暂不可用。', 'The media service is unavailable.'],
  TRANSPORT_EXISTS: ['媒体连接已存在。', 'A media connection exists already.'],
  TRANSPORT_WRONG_KIND: ['媒体连接类型不符。', 'The media connection is of the wrong kind.'],
  TRANSPORT_CONNECTED: ['媒体连接已建立。', 'The media connection is established already.'],
  ROLE_MAY_NOT_PUBLISH: [
    '您的身份（{role}）不能发送音视频（{source}）。',
    'A {role} may not publish {source}.',
  ],
  SOURCE_KIND_MISMATCH: ['音视频类型不符。', 'A {source} track must be {kind}.'],
  ALREADY_PUBLISHING: ['已在发送（{source}）。', 'Already publishing {source}.'],
  ROLE_MAY_NOT_RECEIVE: ['您的身份（{role}）不能接收音视频。', 'A {role} may not receive media.'],
  OWN_MEDIA: ['不能接收自己的音视频。', 'A participant does not receive their own media.'],
  ALREADY_CONSUMING: ['已在接收该音视频。', 'Already receiving this stream.'],
  NO_COMMON_CODEC: [
    '您的浏览器无法解码该音视频，请换用其他浏览器。',
    'Your browser cannot decode this media (no common codec); try another browser.',
  ],
  SINGLE_LAYER: ['该视频只有一种清晰度。', 'This stream has a single layer.'],
  MEDIA_PARAMETERS_REJECTED: [
    '媒体参数不被接受，请刷新页面后重试。',
    'The media parameters were refused; reload the page and try again.',
  ],
  MEDIA_OBJECT_CLOSED: [
    '媒体连接已关闭，请稍后重试。',
    'The media connection closed meanwhile; try again.',
  ],
  ROLE_MAY_NOT_PRESENT: ['您的身份（{role}）不能出示证据。', 'A {role} may not present evidence.'],
  ROLE_MAY_NOT_SHARE: ['您的身份（{role}）不能共享证据。', 'A {role} may not share evidence.'],
  MEDIATOR_ONLY_CONFIDENTIAL: [
    '只有调解员可以设定或解除保密。',
    'Only the mediator keeps evidence confidential to a caucus.',
  ],
  FEATURE_UNAVAILABLE: ['此功能暂不可用（{feature}）。', '{feature} is not available here.'],
  RECIPIENTS_ONLY: ['只有当事人和代理人接收文书。', 'Only parties and agents receive documents.'],
  SIGNATURE_IMAGE_UNREADABLE: ['签名图片无法识别。', 'The signature image cannot be read.'],
  CASE_TRANSITION_INVALID: [
    '案件当前状态（{status}）不允许此操作（{action}）。',
    'Cannot {action} a case that is {status}.',
  ],
  ROLE_MAY_NOT_ON_CASE: [
    '您的身份（{role}）不能对本案进行此操作。',
    'A {role} may not {action} this case.',
  ],
  STAFF_ONLY: ['只有工作人员（{roles}）可以进行此操作。', 'Only {roles} staff may do this.'],
  CASE_CLOSED: ['本案已结案。', 'The case is closed.'],
  DISCLOSURE_FIRST: [
    '调解员须就本次指派先行披露利益冲突（无冲突）。',
    'The mediator must disclose, with no conflict of interest, for their current assignment first.',
  ],
  MEDIATOR_BEFORE_SCHEDULING: [
    '请先指派调解员，再安排调解。',
    'Assign a mediator before scheduling a session.',
  ],
  RECUSAL_BLOCKS_SESSION: [
    '当事人申请调解员回避，组织作出决定前不能开始调解。',
    'A recusal request awaits the organisation’s decision: no session starts before it.',
  ],
  SESSION_TRANSITION_INVALID: [
    '该调解场次当前状态（{from}）不能变为（{to}）。',
    'A {from} session cannot become {to}.',
  ],
  SESSION_OVER: ['本次调解已结束或已取消。', 'This session has ended or was cancelled.'],
  NO_SESSION_SCHEDULED: [
    '本案目前没有已安排或正在进行的调解。',
    'No session of this case is scheduled or in progress.',
  ],
  ORAL_APPLICATION_IN_FUTURE: [
    '口头申请的时间不能晚于现在。',
    'The oral application cannot be heard in the future.',
  ],
  RESPONDENTS_NOT_AGREED: [
    '被申请人{names}尚未同意调解，不能受理。',
    'Every respondent must agree to mediation before a party application is accepted (missing: {names}).',
  ],
  RESPONDENT_ANSWERS_ONLY: [
    '只有被申请人或其特别授权代理人可以表示是否同意调解。',
    'Only a respondent or its specially authorised agent may answer.',
  ],
  NOT_A_RESPONDENT: ['该人员不是本案的被申请人。', 'Not a respondent of this case.'],
  OFFLINE_ANSWER_NEEDS_PROOF: [
    '线下表示须附证明材料。',
    'An answer given offline needs its proof.',
  ],
  NO_SEPARATE_AGREEMENT: [
    '委派、委托调解的案件无需被申请人另行同意。',
    'Delegated or entrusted cases need no separate agreement.',
  ],
  HOLIDAY_SCHEDULE_INVALID: [
    '节假日安排有误，未保存。',
    'The holiday schedule is invalid; nothing was stored.',
  ],
  HOLIDAY_YEAR_LOADED: [
    '{year} 年的节假日安排已载入；如需更正，请注明理由。',
    'The {year} schedule is loaded already; replacing it is a correction and needs a reason.',
  ],
  AGENT_NEEDS_PARTY: [
    '代理人须代理本案的一方当事人。',
    'An agent must represent a party of this case.',
  ],
  USERNAME_TAKEN: ['该用户名已被使用。', 'This username is taken.'],
  CANNOT_DEACTIVATE_SELF: ['不能停用自己的账号。', 'You cannot deactivate your own account.'],
  NO_SUCH_MEDIATOR: [
    '本组织没有该在职调解员。',
    'No active mediator of this organisation has that id.',
  ],
  RECUSAL_PARTIES_ONLY: [
    '只有当事人或其代理人可以申请回避。',
    'Only a party or an agent may ask for recusal.',
  ],
  NO_MEDIATOR_ASSIGNED: ['本案尚未指派调解员。', 'No mediator is assigned to this case.'],
  RECUSAL_ALREADY_PENDING: [
    '已有回避申请等待决定。',
    'A recusal request of this case awaits its decision.',
  ],
  RECUSAL_DECIDED: ['此回避申请已作出决定。', 'This request has been decided.'],
  EXTENSION_NEEDS_PARTIES: [
    '延长调解期限须由每一方当事人本人（或特别授权代理人）在其页面同意，或由工作人员凭证据登记线下同意；请先提出延期方案。',
    'Each party must consent to an extension itself (or through an agent with special authority), or staff record an offline consent with proof: propose the extension first.',
  ],
  EXTENSION_NOT_LATER: [
    '延长后的日期须晚于当前调解期限。',
    'The new date must be after the current end of the mediation period.',
  ],
  EXTENSION_IN_PAST: [
    '延长后的日期不能早于今天。',
    'The new end of the mediation period cannot lie in the past.',
  ],
  EXTENSION_NOT_IN_MEDIATION: [
    '案件不在调解中，不能延长调解期限。',
    'The mediation period can be extended only while mediation goes on.',
  ],
  EXTENSION_ALREADY_PROPOSED: [
    '已有待当事人答复的延期方案。',
    'An extension proposal is already awaiting the parties.',
  ],
  EXTENSION_STAFF_RECORD_OFFLINE: [
    '只有当事人本人或其特别授权代理人可以答复；工作人员只能凭证据登记线下答复。',
    'Only a party or its specially authorised agent answers; staff may only record an offline answer with proof.',
  ],
  EXTENSION_AUTHORITY_REQUIRED: [
    '只有当事人本人或其特别授权代理人可以答复。',
    'Only a party or an agent with special authority may answer.',
  ],
  NOT_A_PARTY: ['该人员不是本案的当事人。', 'Not a party of this case.'],
  EXTENSION_OFFLINE_NEEDS_PROOF: [
    '线下答复须附本案的证据材料。',
    'An offline answer needs proof: an evidence item of this case.',
  ],
  EXTENSION_CLOSED: ['此延期方案已结束。', 'This extension proposal is closed.'],
  EXTENSION_ALREADY_ANSWERED: [
    '该当事人已答复此延期方案。',
    'This party has already answered the proposal.',
  ],
  AGREEMENT_ALREADY_EFFECTIVE: ['调解协议已生效。', 'The agreement is effective already.'],
  NO_AGREEMENT: ['没有可以生效的调解协议。', 'There is no agreement to take effect.'],
  EFFECTIVE_TIME_IN_FUTURE: [
    '生效时间不能晚于当前时间。',
    'The effective time cannot be in the future.',
  ],
  EFFECTIVE_TIME_BY_HAND: [
    '协议只能在全部签名并盖章后，或登记纸质签署后生效，不能直接填写生效时间。',
    'An agreement takes effect only at the seal after every signature or at a recorded paper signing; an effective time cannot be set by hand.',
  ],
  STAFF_ONLY_ACTION: ['只有调解员或书记员可以进行此操作。', 'Only staff may {action}.'],
  OWN_ADDRESS_ONLY: ['只能确认本人的送达地址。', 'You may confirm only your own address.'],
  CONSENT_PERSON_REQUIRED: [
    '请指明登记的是哪一位人员的纸质确认书。',
    'Name the person whose paper form is recorded.',
  ],
  OBSERVER_NOT_SERVED: ['旁听人员不是受送达人。', 'An observer is not served documents.'],
  OBSERVER_NOT_RECIPIENT: ['旁听人员不是受送达人。', 'An observer cannot be served.'],
  AGREEMENT_NO_LAYOUT: ['调解协议书缺少存档版式。', 'The agreement has no stored layout.'],
  UNKNOWN_RECIPIENT: ['受送达人不是本案人员。', 'Unknown recipient.'],
  RECIPIENT_TWICE: ['同一受送达人只能列一次。', 'Each recipient once.'],
  REPLACED_NOT_IN_CASE: [
    '要替换的文书不在本案中。',
    'The document to replace is not in this case.',
  ],
  VERSION_KIND_MISMATCH: ['新版本须与原文书类型相同。', 'A new version must be of the same kind.'],
  SEALED_NOT_REISSUED: ['已盖章生效的协议不能重新出具。', 'A sealed agreement cannot be reissued.'],
  NEWER_VERSION_ISSUED: ['此文书已有更新版本。', 'A newer version was issued meanwhile.'],
  CASE_NOT_ACCEPTED: ['案件尚未受理。', 'The case has not been accepted.'],
  CASE_NOT_REFUSED: ['案件未被决定不予受理。', 'The case was not refused.'],
  AGREEMENT_NOT_ISSUABLE: [
    '案件不在可以出具调解协议的状态。',
    'An agreement cannot be issued in this state.',
  ],
  TERMINATION_GROUND_REQUIRED: [
    '案件未终止调解，须写明终止事由。',
    'Give the ground: the case is not terminated.',
  ],
  ORAL_NEEDS_RECORD: [
    '口头申请应出具口头申请笔录。',
    'An oral application has an oral application record.',
  ],
  WRITTEN_NO_RECORD: [
    '书面申请没有口头申请笔录。',
    'A written application has no oral application record.',
  ],
  AGREEMENT_NOT_EFFECTIVE: ['调解协议尚未生效。', 'The agreement is not effective yet.'],
  UNKNOWN_EVIDENCE: ['该证据不在本案中。', 'Unknown evidence item.'],
  NO_AGREEMENT_TO_ATTACH: [
    '没有已盖章或已登记纸质签署的调解协议书可以附上。',
    'No sealed or paper-signed agreement to attach.',
  ],
  UNKNOWN_SESSION: ['该调解场次不在本案中。', 'Unknown session.'],
  SEAL_SIGNERS_MISSING: [
    '尚缺{signers}的签名，不能盖章。',
    'Not every required signer has signed ({signers}); cannot seal.',
  ],
  PAPER_SIGNERS_MISSING: [
    '尚缺{signers}的签名，不能登记纸质签署。',
    'Not every required signer has signed ({signers}); cannot record the paper signing.',
  ],
  AGREEMENT_SEALED_MEANWHILE: ['协议已在此期间盖章。', 'The agreement was sealed meanwhile.'],
  PAPER_SIGNING_MEDIATOR_ONLY: [
    '只有本案调解员可以登记纸质签署。',
    "Only the case's mediator records a paper signing.",
  ],
  AGREEMENT_SEALED: ['协议已盖章生效。', 'The agreement is sealed already.'],
  SIGNED_SCAN_REQUIRED: [
    '请先由本组织上传已签署调解协议书的扫描件。',
    'File the scan of the signed agreement first (category signed agreement, uploaded by the organisation).',
  ],
  SIGNING_DATE_OUT_OF_RANGE: [
    '签署日期不能早于协议出具日，也不能晚于今天。',
    'A signing date must lie between the issue of the agreement and today.',
  ],
  AGENT_NOT_AUTHORISED_TO_SIGN: [
    '代理人未获签署调解协议的特别授权。',
    'The signer is neither the party nor its agent with special authority to sign.',
  ],
  RECIPIENT_ONLY: ['只有受送达人本人可以操作。', 'Only the recipient may do this.'],
  DELIVERY_STEP_REFUSED: [
    '送达当前状态（{state}）不能执行该操作。',
    'Cannot {action} a delivery that is {state}.',
  ],
  DELIVERY_NO_CONSENT: [
    '受送达人未确认电子送达地址并同意电子送达，不能电子送达。',
    'The recipient has not consented to electronic service at this address.',
  ],
  SIGNING_CODE_NONE: ['请先获取验证码。', 'Request a signing code first.'],
  SIGNING_CODE_EXPIRED: ['验证码已过期，请重新获取。', 'The code has expired; request a new one.'],
  SIGNING_CODE_EXHAUSTED: [
    '验证码错误次数过多，请重新获取。',
    'Too many wrong codes; request a new one.',
  ],
  SIGNING_CODE_WRONG: ['验证码不正确，还可尝试 {left} 次。', 'Wrong code; {left} attempts left.'],
  NO_ADDRESS_ON_CHANNEL: ['没有该渠道的送达地址。', 'No address on that channel.'],
  ONLY_AGREEMENT_SIGNED: ['只有调解协议书需要签署。', 'Only the mediation agreement is signed.'],
  VERSION_REPLACED: [
    '此版本已被第 {latest} 版取代。',
    'Version {version} was replaced by version {latest}.',
  ],
  SEALED_NO_MORE_SIGNING: ['协议已盖章生效，不能再签署。', 'The agreement is sealed already.'],
  CASE_AGREEMENT_EFFECTIVE: [
    '案件的调解协议已生效。',
    "The case's agreement is effective already.",
  ],
  CASE_CANNOT_TAKE_AGREEMENT: [
    '案件不在可以签署协议的状态。',
    'The case cannot take an agreement now.',
  ],
  MEDIATOR_SIGNS_OWN_CASE: [
    '只有本案调解员可以作为调解员签署。',
    "Only the case's mediator signs as mediator.",
  ],
  NO_SIGNER: ['您不是本协议的签署人。', 'You are not a signer of this agreement.'],
  NOT_A_SIGNER: ['您不是本协议的签署人。', 'You are not a signer of this agreement.'],
};

/** What a failure means when its reason is unknown to this page: by its code alone. */
export const ERROR_CODE_TEXT: Labels<ErrorCode> = {
  VALIDATION: ['提交的内容有误。', 'The request was not valid.'],
  UNAUTHENTICATED: ['请先登录。', 'Please sign in.'],
  FORBIDDEN: ['您无权进行此操作。', 'You may not do this.'],
  NOT_FOUND: ['未找到所请求的内容。', 'Not found.'],
  INVALID_STATE: ['当前状态下不能进行此操作。', 'This cannot be done now.'],
  IDENTITY_UNCONFIRMED: ['尚未核实身份。', 'The identity is not confirmed.'],
  PARTY_CONSENT_REQUIRED: ['须由当事人本人同意。', "The party's own consent is required."],
  REFERRAL_KIND_MISMATCH: [
    '申请与受理机构的类型不符。',
    'The application does not suit this institution.',
  ],
  REFERRAL_LATE: ['申请期限已届满。', 'The window for this application has closed.'],
  PAYMENT_ORDER_NOT_ELIGIBLE: [
    '本案不能申请支付令。',
    'This case does not qualify for a payment order.',
  ],
  WRONG_INSTITUTION_KIND: ['受理机构的类型不符。', 'The institution is of the wrong kind.'],
  DISCLOSURE_REQUIRED: [
    '调解员须先披露利益冲突情况。',
    'The mediator must disclose conflicts of interest first.',
  ],
  RECUSAL_PENDING: ['回避申请尚待决定。', 'A recusal request awaits its decision.'],
  RESPONDENT_AGREEMENT_REQUIRED: [
    '被申请人尚未同意调解。',
    'Every respondent must agree to mediation first.',
  ],
  RATE_LIMITED: ['操作过于频繁，请稍后再试。', 'Too many requests; try again shortly.'],
  PAYLOAD_TOO_LARGE: ['提交的内容过大。', 'The request is too large.'],
  HEADERS_TOO_LARGE: ['请求头过大。', 'The request headers are too large.'],
  REQUEST_TIMEOUT: ['请求超时，请重试。', 'The request timed out; try again.'],
  UNSUPPORTED_MEDIA_TYPE: ['不支持的内容格式。', 'Unsupported content type.'],
  MEDIA_UNAVAILABLE: [
    '媒体服务暂不可用，请稍后重试。',
    'The media service is unavailable; retry shortly.',
  ],
  INTERNAL: ['服务器内部错误，请稍后重试。', 'Internal error; try again later.'],
};

/** A failure as the server sent it: its code, and its reason with parameters where it has one. */
export interface ErrorLike {
  code: string;
  reason?: string | undefined;
  params?: Record<string, string | number> | undefined;
  message?: string | undefined;
}

/** Fills `{name}` from the parameters; a placeholder without a value stays as it is. */
export function fillParams(text: string, params: ErrorLike['params']): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params?.[name];
    return value === undefined ? whole : String(value);
  });
}

/**
 * A bilingual sentence `中文 / English` of a failure that carries no reason yet,
 * in the reader's language; undefined for a sentence of one language.
 */
function bilingual(message: string | undefined): string | undefined {
  const at = message?.indexOf(' / ') ?? -1;
  if (!message || at < 0 || !/[\u4e00-\u9fff]/.test(message)) return undefined;
  return current === 'en' ? message.slice(at + 3) : message.slice(0, at);
}

/**
 * A failure in the reader's language: its reason from the catalogue; else,
 * for the server's sentences not yet turned into reasons, the reader's half of
 * the bilingual sentence; else the generic text of its code; else the words.
 */
export function errorText(error: ErrorLike): string {
  const side = current === 'en' ? 1 : 0;
  const byReason = error.reason
    ? (REASON_TEXT as Record<string, Labels<string>[string] | undefined>)[error.reason]
    : undefined;
  if (byReason) return fillParams(byReason[side], error.params);
  const legacy = bilingual(error.message);
  if (legacy) return legacy;
  const byCode = (ERROR_CODE_TEXT as Record<string, Labels<string>[string] | undefined>)[
    error.code
  ];
  if (byCode) return byCode[side];
  return error.message ?? error.code;
}
