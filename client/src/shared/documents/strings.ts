/**
 * Strings of the document service pages (inbox, consent, signing, console
 * section): Simplified Chinese first, English second. The language is the
 * one the rest of the page uses (`lang()` of i18n.ts).
 */
import { lang } from '../i18n.js';
import type { DeliveryStatus, DocumentKind, ServiceChannel, SignsFor } from './model.js';

/** The table, exported for the console's catalogue (console/messages.ts), which includes it. */
export const zh = {
  inboxTitle: '文书',
  inboxEmpty: '暂无送达给您的文书。调解组织送达文书后，会立即显示在这里。',
  inboxLive: '实时接收中',
  inboxOffline: '未连接，稍后自动刷新',
  newBadge: '新',
  version: '第 {n} 版',
  issuedAt: '签发时间：',
  servedAt: '送达时间：',
  open: '查看文书',
  opening: '正在打开…',
  openPdf: '打开 PDF',
  downloadPdf: '下载 PDF',
  hashOk: '已核验：文件 SHA-256 与签发时固定的哈希值一致。',
  hashBad: '警告：文件哈希与签发记录不一致，请联系调解组织。',
  hashUnknown: '本浏览器无法核验哈希值。',
  acknowledge: '签收',
  acknowledged: '已签收',
  challenge: '提出异议',
  challengeReason: '异议理由（例如：未收到、内容与送达记录不符）',
  challengeSubmit: '提交异议',
  challenged: '已提出异议',
  paperCopy: '申请纸质文书',
  paperCopyAddress: '邮寄地址（可不填，默认使用送达地址确认书中的地址）',
  paperCopySubmit: '提交申请',
  paperCopyRequested: '已申请纸质文书',
  cancel: '取消',
  failed: '操作失败：',
  hash: 'SHA-256：',
  consentTitle: '送达地址确认书',
  consentIntro:
    '调解组织将通过以下方式向您送达受理通知书、调解通知书、调解协议书等文书。请确认您的送达地址并选择是否同意电子送达。',
  consentElectronic: '同意电子送达',
  consentPaper: '不同意电子送达（以直接送达、邮寄等方式线下送达）',
  consentAddresses: '电子送达地址',
  consentInApp: '本平台在线文书箱（必选）',
  consentSms: '手机号码',
  consentEmail: '电子邮箱',
  consentScope: '送达范围',
  consentScopeAll: '本案调解过程中的全部文书',
  consentScopeSome: '仅以下文书',
  consentPostal: '邮寄地址（用于纸质文书，可不填）',
  consentEffectTitle: '告知事项（电子送达的法律效力）',
  consentEffect1:
    '您同意电子送达的，文书到达上述电子地址（进入您的特定系统）之日为送达之日，即使您尚未打开阅读。',
  consentEffect2:
    '向您未确认的其他电子地址送达的，以您回复或者以阅读、签收等行为确认收悉之日为送达之日。',
  consentEffect3:
    '您应保证所填地址准确、有效；地址变更的，应及时重新填写本确认书，新确认书自提交时起生效。',
  consentEffect4: '未同意电子送达或电子送达失败的，将采用直接送达、邮寄送达等方式送达。',
  consentEffect5: '您可以对送达记录提出异议，也可以申请获得纸质文书。',
  consentHowToChange: '如何变更：随时点击本页的“变更送达地址”重新填写，新确认书提交后即生效。',
  consentAck: '本人已阅读并知悉上述告知事项及电子送达的法律效力，确认上述送达地址。',
  consentSubmit: '确认并提交',
  consentSaved: '送达地址确认书已提交',
  consentGivenAt: '确认时间：',
  consentNone: '尚未确认送达地址。请先填写送达地址确认书。',
  consentChange: '变更送达地址',
  consentNeeded: '请填写送达地址确认书，以便接收文书。',
  consentGoTo: '去填写',
  consentYes: '已同意电子送达',
  consentNo: '未同意电子送达（线下送达）',
  consentSmsInvalid: '请填写 11 位手机号码',
  consentEmailInvalid: '请填写有效的电子邮箱',
  consentScopeEmpty: '请至少选择一种文书',
  viewConsent: '查看确认书',
  signingTitle: '签署调解协议书',
  signers: '签署情况',
  signedBy: '已签署：',
  notSigned: '待签署',
  sealed: '已加盖印章，协议生效时间：',
  notSealed: '尚未加盖印章',
  paperSigned: '已登记纸质签署，协议生效时间：',
  youSigned: '您已签署',
  requestCode: '获取验证码',
  codeSent: '验证码已发送至：',
  codeInApp: '站内验证码：',
  codeValid: '10 分钟内有效，最多可尝试 {n} 次。',
  code: '6 位验证码',
  signatureOptional: '手写签名（可选）：在框内书写',
  clearSignature: '清除',
  signatureTooLarge: '签名图片超过 200 KB，请清除后重写',
  sign: '确认签署',
  signed: '签署成功',
  signsForApplicant: '申请人',
  signsForRespondent: '被申请人',
  signsForMediator: '调解员',
  // Console
  docsTitle: '文书',
  issueTitle: '签发文书',
  issueKind: '文书种类',
  issueRecipients: '受送达人',
  issueNoRecipients: '本案没有可送达的当事人或代理人。',
  issueSubmit: '签发并送达',
  issued: '已签发：',
  fieldNote: '备注（可不填）',
  fieldReason: '不予受理理由（可不填，默认使用决定中的理由）',
  fieldSession: '调解场次',
  fieldJoinUrl: '参加方式（链接，可不填）',
  fieldPrepare: '请准备（可不填）',
  fieldItems: '协议条款（每行一条）',
  fieldAmount: '金额（元，可不填）',
  fieldDeadline: '履行期限（可不填）',
  fieldMethod: '履行方式（可不填，例如：银行转账）',
  fieldObligations: '履行事项',
  fieldDeadlineRequired: '履行期限',
  fieldConsequences: '不履行的后果（可不填）',
  fieldGround: '终止理由',
  fieldFacts: '事实（可不填）',
  fieldEvidence: '证据编号',
  noDocuments: '尚未签发文书。',
  superseded: '已被新版本替代',
  downloadDocument: '下载文书',
  certificate: '电子送达凭证',
  offlineProof: '录入线下送达证明',
  proofMethod: '送达方式',
  proofDescription: '说明（例如：EMS 单号、签收人）',
  proofDate: '送达日期',
  proofSubmit: '保存送达证明',
  recipient: '受送达人',
  servedColumn: '送达完成时间',
  pendingBanner: '您有 {n} 份文书待签收。',
  pendingGoTo: '查看文书',
  state: '状态',
  refreshedEvery: '每 2 秒自动刷新',
  seal: '加盖印章',
  sealHint: '全部签署后可加盖印章',
  sealedPdf: '下载已盖章协议',
  effectiveAt: '协议生效时间：',
  mediatorSign: '调解员签署',
  none: '—',
  loadFailed: '加载失败：',
  disclosureApplicant: '申请人一方',
  disclosureRespondent: '被申请人一方',
  disclosureYourSide: '（您这一方）',
  disclosureAgreed: '已同意',
  disclosureNotAgreed: '未同意',
  disclosureBoth: '双方均已同意：背靠背材料可以随申请一并提交。',
  disclosureNotBoth: '双方尚未都同意：背靠背材料不会提交。',
  disclosureYouAgreed: '您已于 {at} 同意。',
  disclosureYouWithdrew: '您已于 {at} 撤回同意。',
} as const;

export type DocKey = keyof typeof zh;

export const en: Record<DocKey, string> = {
  inboxTitle: 'Documents',
  inboxEmpty:
    'No documents have been served on you. When the organisation serves one, it appears here at once.',
  inboxLive: 'Receiving live',
  inboxOffline: 'Not connected; refreshing shortly',
  newBadge: 'New',
  version: 'version {n}',
  issuedAt: 'Issued: ',
  servedAt: 'Served: ',
  open: 'Open',
  opening: 'Opening…',
  openPdf: 'Open PDF',
  downloadPdf: 'Download PDF',
  hashOk: 'Verified: the file’s SHA-256 matches the hash fixed at issue.',
  hashBad: 'Warning: the file’s hash does not match the issue record. Contact the organisation.',
  hashUnknown: 'This browser cannot verify the hash.',
  acknowledge: 'Acknowledge receipt',
  acknowledged: 'Acknowledged',
  challenge: 'Challenge',
  challengeReason: 'Reason (e.g. not received, content differs from the record)',
  challengeSubmit: 'Submit the challenge',
  challenged: 'Challenged',
  paperCopy: 'Request a paper copy',
  paperCopyAddress: 'Postal address (optional; the one on your consent form is used otherwise)',
  paperCopySubmit: 'Send the request',
  paperCopyRequested: 'Paper copy requested',
  cancel: 'Cancel',
  failed: 'Failed: ',
  hash: 'SHA-256: ',
  consentTitle: 'Service address and e-service consent',
  consentIntro:
    'The organisation serves documents such as the acceptance notice, session notices and the mediation agreement. Confirm your service addresses and whether you accept electronic service.',
  consentElectronic: 'I accept electronic service',
  consentPaper: 'I do not accept electronic service (serve me in person or by post)',
  consentAddresses: 'Electronic addresses',
  consentInApp: 'In-app document inbox (always)',
  consentSms: 'Mobile number',
  consentEmail: 'E-mail',
  consentScope: 'Scope',
  consentScopeAll: 'Every document of this mediation',
  consentScopeSome: 'Only these documents',
  consentPostal: 'Postal address (for paper documents, optional)',
  consentEffectTitle: 'What electronic service means',
  consentEffect1:
    'With your consent, a document is served on the day it reaches the address above (your system), even if you have not opened it.',
  consentEffect2:
    'Served at another electronic address you did not confirm, it counts as served when you reply, read or acknowledge it.',
  consentEffect3:
    'Keep your addresses correct; if they change, fill in this form again: the new form applies from submission.',
  consentEffect4:
    'Without consent, or if electronic service fails, documents are served in person or by post.',
  consentEffect5: 'You may challenge the service record and ask for a paper copy.',
  consentHowToChange: 'To change: press “Change service address” on this page at any time.',
  consentAck:
    'I have read the above, understand the legal effect of electronic service and confirm these addresses.',
  consentSubmit: 'Confirm and submit',
  consentSaved: 'Service address form submitted',
  consentGivenAt: 'Confirmed: ',
  consentNone: 'No service address confirmed yet. Please fill in the form first.',
  consentChange: 'Change service address',
  consentNeeded: 'Please fill in the service address form to receive documents.',
  consentGoTo: 'Fill it in',
  consentYes: 'Electronic service accepted',
  consentNo: 'Electronic service not accepted (offline service)',
  consentSmsInvalid: 'Enter an 11-digit mobile number',
  consentEmailInvalid: 'Enter a valid e-mail address',
  consentScopeEmpty: 'Choose at least one kind of document',
  viewConsent: 'View the form',
  signingTitle: 'Sign the mediation agreement',
  signers: 'Signatures',
  signedBy: 'Signed: ',
  notSigned: 'Not signed yet',
  sealed: 'Sealed; the agreement took effect: ',
  notSealed: 'Not sealed yet',
  paperSigned: 'Signed on paper; the agreement took effect: ',
  youSigned: 'You have signed',
  requestCode: 'Get a code',
  codeSent: 'Code sent to: ',
  codeInApp: 'Your in-app code: ',
  codeValid: 'Valid for 10 minutes, {n} attempts.',
  code: '6-digit code',
  signatureOptional: 'Handwritten signature (optional): draw in the box',
  clearSignature: 'Clear',
  signatureTooLarge: 'The drawing exceeds 200 KB; clear it and draw again',
  sign: 'Sign',
  signed: 'Signed',
  signsForApplicant: 'Applicant',
  signsForRespondent: 'Respondent',
  signsForMediator: 'Mediator',
  docsTitle: 'Documents',
  issueTitle: 'Issue a document',
  issueKind: 'Kind',
  issueRecipients: 'Serve on',
  issueNoRecipients: 'No party or agent to serve in this case.',
  issueSubmit: 'Issue and serve',
  issued: 'Issued: ',
  fieldNote: 'Note (optional)',
  fieldReason: 'Reason for refusal (optional; the decision’s reason otherwise)',
  fieldSession: 'Session',
  fieldJoinUrl: 'How to join (link, optional)',
  fieldPrepare: 'What to prepare (optional)',
  fieldItems: 'Agreed terms (one per line)',
  fieldAmount: 'Amount (CNY, optional)',
  fieldDeadline: 'Performance deadline (optional)',
  fieldMethod: 'Method of performance (optional, e.g. bank transfer)',
  fieldObligations: 'What is to be done',
  fieldDeadlineRequired: 'Deadline',
  fieldConsequences: 'Consequences of non-performance (optional)',
  fieldGround: 'Ground',
  fieldFacts: 'Facts (optional)',
  fieldEvidence: 'Evidence item id',
  noDocuments: 'No documents issued yet.',
  superseded: 'superseded by a newer version',
  downloadDocument: 'Download',
  certificate: 'Service certificate',
  offlineProof: 'Record offline service',
  proofMethod: 'Method',
  proofDescription: 'Description (e.g. EMS number, who signed)',
  proofDate: 'Date served',
  proofSubmit: 'Save the proof',
  recipient: 'Recipient',
  servedColumn: 'Service complete',
  pendingBanner: 'You have {n} document(s) to acknowledge.',
  pendingGoTo: 'See the documents',
  state: 'State',
  refreshedEvery: 'refreshed every 2 s',
  seal: 'Apply the seal',
  sealHint: 'Possible once everyone has signed',
  sealedPdf: 'Download the sealed agreement',
  effectiveAt: 'Effective: ',
  mediatorSign: 'Mediator’s signature',
  none: '—',
  loadFailed: 'Could not load: ',
  disclosureApplicant: 'Applicant’s side',
  disclosureRespondent: 'Respondent’s side',
  disclosureYourSide: ' (your side)',
  disclosureAgreed: 'agreed',
  disclosureNotAgreed: 'not agreed',
  disclosureBoth: 'Both sides agree: caucus material may go with an application.',
  disclosureNotBoth: 'Not both sides agree yet: caucus material is not submitted.',
  disclosureYouAgreed: 'You agreed on {at}.',
  disclosureYouWithdrew: 'You withdrew your agreement on {at}.',
};

export function dt(key: DocKey, vars: Record<string, string | number> = {}): string {
  let text: string = lang() === 'en' ? en[key] : zh[key];
  for (const [k, v] of Object.entries(vars)) text = text.replace(`{${k}}`, String(v));
  return text;
}

type Pair = readonly [zh: string, en: string];
const pick = (pair: Pair): string => pair[lang() === 'en' ? 1 : 0];

export const STATUS: Record<DeliveryStatus, Pair> = {
  created: ['待送达', 'pending'],
  offline_pending: ['待线下送达', 'offline service pending'],
  dispatched: ['已发送', 'dispatched'],
  delivered: ['已送达', 'delivered'],
  read: ['已阅读', 'read'],
  acknowledged: ['已签收', 'acknowledged'],
  failed: ['送达失败', 'failed'],
  served_offline: ['已线下送达', 'served offline'],
  challenged: ['已提出异议', 'challenged'],
};

export function statusLabel(status: DeliveryStatus): string {
  return pick(STATUS[status] ?? [status, status]);
}

export const KIND_LABELS: Record<DocumentKind, Pair> = {
  service_consent: ['送达地址确认书', 'service address and e-service consent'],
  acceptance_notice: ['受理通知书', 'acceptance notice'],
  refusal_notice: ['不予受理通知书', 'refusal notice'],
  session_notice: ['调解通知书', 'session notice'],
  mediation_agreement: ['调解协议书', 'mediation agreement'],
  performance_notice: ['履行告知书', 'performance notice'],
  termination_record: ['调解终止书', 'termination record'],
  evidence_receipt: ['证据收据', 'evidence receipt'],
  judicial_confirmation_application: [
    '司法确认申请书',
    'joint application for judicial confirmation',
  ],
  arbitration_review_application: ['仲裁审查申请书', 'joint application for arbitration review'],
  right_to_arbitration_notice: ['申请仲裁权利告知书', 'notice of the right to arbitration'],
  application_form: ['调解申请书', 'application for mediation'],
  oral_application_record: ['口头申请笔录', 'record of an oral application'],
  case_notice: ['告知书', 'notice'],
  recusal_request: ['回避申请书', 'request for the mediator’s recusal'],
  recusal_decision: ['回避决定书', 'decision on the recusal request'],
};

export function kindLabel(kind: DocumentKind): string {
  return pick(KIND_LABELS[kind] ?? [kind, kind]);
}

export const CHANNELS: Record<ServiceChannel, Pair> = {
  in_app: ['本平台在线文书箱', 'in-app inbox'],
  email: ['电子邮箱', 'e-mail'],
  sms: ['手机短信', 'SMS'],
};

export function channelLabel(channel: ServiceChannel | null): string {
  return channel ? pick(CHANNELS[channel] ?? [channel, channel]) : dt('none');
}

export function signsForLabel(side: SignsFor): string {
  return dt(
    side === 'applicant'
      ? 'signsForApplicant'
      : side === 'respondent'
        ? 'signsForRespondent'
        : 'signsForMediator',
  );
}

/** Shanghai time, as the certificates print it (`2026年03月02日 14:05:09`) or in English. */
export function when(iso: string | null | undefined): string {
  if (!iso) return dt('none');
  return new Date(iso).toLocaleString(lang(), {
    timeZone: 'Asia/Shanghai',
    dateStyle: 'medium',
    timeStyle: 'medium',
  });
}
