/**
 * The catalogue's codes (`labels.<table>.<code>`): what the case file sends as codes (statuses,
 * kinds, reasons for an end), as the console shows them, Chinese first.
 *
 * Size: data — one label pair per code.
 */
import type { TrackEndReason, TrackSource } from '../../../../recordings/manifest.js';
import type { Labels } from './types.js';
import type {
  ClaimType,
  CompositeStatus,
  EvidenceCategory,
  EvidenceSide,
  InstitutionKind,
  OrganisationKind,
  PriorityGroup,
  RecordingStatus,
  ReferralKind,
  WebhookStatus,
} from '../../console/api.js';

export const RECORDING_STATUS: Labels<RecordingStatus> = {
  recording: ['录制中', 'recording'],
  processing: ['处理中', 'processing'],
  complete: ['已完成', 'complete'],
};

export const COMPOSITE_STATUS: Labels<CompositeStatus> = {
  pending: ['等待合成', 'waiting to render'],
  rendering: ['合成中', 'rendering'],
  complete: ['已合成', 'rendered'],
  failed: ['合成失败', 'failed'],
};

export const END_REASONS: Labels<TrackEndReason> = {
  'recording-stopped': ['录制结束', 'recording stopped'],
  'consent-withdrawn': ['撤回录制同意', 'consent withdrawn'],
  'private-phase': ['背靠背环节不录制', 'private (caucus) phase, not recorded'],
  'producer-closed': [
    '停止发送（关闭设备或停止共享）',
    'stopped sending (device off or share ended)',
  ],
  'participant-left': ['离开调解', 'left the mediation'],
  'participant-disconnected': ['网络中断', 'connection lost'],
  'worker-died': ['媒体服务故障', 'media service failure'],
  'capture-failed': ['录制进程故障', 'capture failure'],
  'server-stopped': ['服务器停止', 'server stopped'],
  'node-failed': ['媒体节点故障，已由其他节点接续', 'media node failed, continued on another node'],
  'session-ended': ['调解场次结束', 'session ended'],
};

export const SESSION_STATUS: Labels<'scheduled' | 'live' | 'ended' | 'cancelled'> = {
  scheduled: ['已安排', 'scheduled'],
  live: ['进行中', 'in progress'],
  ended: ['已结束', 'ended'],
  cancelled: ['已取消', 'cancelled'],
};

export const STOP_REASONS: Labels<string> = {
  'stopped-by-mediator': ['调解员停止录制', 'stopped by the mediator'],
  'session-ended': ['调解场次结束', 'session ended'],
  'server-shutdown': ['服务器关闭', 'server shut down'],
  'server-restart': ['服务器重启后补记', 'closed after a server restart'],
};

export const SOURCES: Labels<TrackSource> = {
  microphone: ['麦克风', 'microphone'],
  camera: ['摄像头', 'camera'],
  screen: ['屏幕共享', 'screen'],
};

export const ROLES: Labels<string> = {
  mediator: ['调解员', 'mediator'],
  party: ['当事人', 'party'],
  agent: ['代理人', 'agent'],
  observer: ['旁听人', 'observer'],
  // Materials a court or arbitration commission added to a case it handed over.
  court: ['人民法院', 'court'],
  arbitration: ['仲裁委员会', 'arbitration commission'],
  clerk: ['书记员', 'clerk'],
  supervisor: ['监督员', 'supervisor'],
};

export const CASE_STATUS: Labels<string> = {
  registered: ['已登记', 'registered'],
  accepted: ['已受理', 'accepted'],
  refused: ['不予受理', 'refused'],
  in_mediation: ['调解中', 'in mediation'],
  settled: ['调解成功', 'settled'],
  terminated: ['调解终止', 'terminated'],
  withdrawn: ['已撤回', 'withdrawn'],
  archived: ['已归档', 'archived'],
};

export const DISPUTE_TYPES: Labels<string> = {
  employment_relationship: ['确认劳动关系', 'employment relationship'],
  wages: ['追索劳动报酬', 'wages and pay'],
  working_hours: ['工作时间', 'working hours'],
  termination: ['解除和终止劳动合同', 'termination of contract'],
  economic_compensation: ['经济补偿', 'economic compensation'],
  social_insurance: ['社会保险', 'social insurance'],
  work_injury: ['工伤', 'work injury'],
  other: ['其他', 'other'],
};

/** What an applicant claims (an online application's 请求事项, a case's claims). */
export const CLAIM_TYPES: Labels<ClaimType> = {
  wages: ['支付工资', 'wages'],
  work_injury_medical: ['工伤医疗待遇', 'work-injury medical benefits'],
  economic_compensation: ['经济补偿', 'economic compensation'],
  damages: ['赔偿金', 'damages'],
  other: ['其他', 'other'],
};

/** The groups whose disputes go first (农民工, 劳务派遣工, 新就业形态劳动者). */
export const PRIORITY_GROUPS: Labels<PriorityGroup> = {
  migrant_worker: ['农民工', 'migrant worker'],
  dispatched_worker: ['劳务派遣工', 'dispatched worker'],
  platform_worker: ['新就业形态劳动者', 'platform worker'],
};

export const PERSON_KINDS: Labels<string> = {
  applicant: ['申请人', 'applicant'],
  respondent: ['被申请人', 'respondent'],
  agent: ['委托代理人', 'agent'],
  observer: ['旁听人', 'observer'],
};

export const EVIDENCE_SIDES: Labels<EvidenceSide> = {
  applicant: ['申请人方', 'applicant side'],
  respondent: ['被申请人方', 'respondent side'],
  organisation: ['调解组织', 'the organisation'],
};

export const AUDIT_FAILURES: Labels<string> = {
  altered: ['事件内容被修改', 'an event was altered'],
  payload_altered: ['事件数据被修改', "an event's payload was altered"],
  removed: ['事件被删除', 'an event was removed'],
  reordered: ['事件顺序被改变', 'events were reordered'],
  wrong_case: ['混入其他案件的事件', "another case's event"],
};

export const EVIDENCE_CATEGORIES: Labels<EvidenceCategory> = {
  evidence: ['证据材料', 'evidence'],
  identity: ['身份证明', 'identity document'],
  authorisation: ['授权委托书', 'power of attorney / authorisation'],
  signed_agreement: ['已签署调解协议书', 'mediation agreement signed on paper'],
};

export const PARTY_SIDES: Labels<'applicant' | 'respondent'> = {
  applicant: ['申请人一方', 'applicant’s side'],
  respondent: ['被申请人一方', 'respondent’s side'],
};

export const REFERRAL_KINDS: Labels<ReferralKind> = {
  delegated_report: ['委托调解报告', 'report on a delegated mediation'],
  judicial_confirmation: ['司法确认申请', 'application for judicial confirmation'],
  arbitration_review: ['仲裁审查申请', 'application for arbitration review'],
};

/** The mediation network's kinds of organisation (issue 21). */
export const ORGANISATION_KINDS: Labels<OrganisationKind> = {
  bureau: ['人力资源和社会保障局', 'human resources and social security bureau'],
  district_centre: ['区劳动人事争议调解中心', 'district mediation centre'],
  street_town: ['街镇调解组织', 'sub-district or town mediation organisation'],
  enterprise_committee: ['企业劳动争议调解委员会', 'enterprise mediation committee'],
  union_trade: ['工会、行业调解组织', 'union or trade mediation organisation'],
};

export const INSTITUTION_KINDS: Labels<InstitutionKind> = {
  court: ['人民法院', 'people’s court'],
  arbitration: ['劳动人事争议仲裁委员会', 'labour dispute arbitration commission'],
};

/** The notices the case engine produces. */
export const NOTICE_KINDS: Labels<string> = {
  right_to_arbitration: ['申请仲裁权利告知', 'right to arbitration'],
  acceptance_overdue: ['受理审查期限届满', 'acceptance decision overdue'],
  confirmation_window_closing: ['申请期限届满', 'application window closed'],
  confirmation_window_reminder: ['申请期限届满提醒', 'application window closing soon'],
  payment_order_eligible: ['可申请支付令', 'payment order available'],
};

/** The grounds a termination record (调解终止书) names. */
export const TERMINATION_GROUNDS: Labels<string> = {
  party_refuses: ['一方当事人拒绝继续调解', 'a party refuses to continue'],
  no_agreement_in_time: ['调解期限届满未达成调解协议', 'no agreement within the period'],
  party_absent: ['当事人无正当理由未参加调解', 'a party absent without good reason'],
  other: ['其他原因', 'other'],
};

/** The steps of a document's delivery to one recipient. */
export const DELIVERY_STEPS: Labels<string> = {
  dispatched: ['发送', 'sent'],
  offline_required: ['转线下送达', 'marked for offline service'],
  delivered: ['送达', 'delivered'],
  read: ['阅读', 'read'],
  acknowledged: ['签收', 'acknowledged'],
  failed: ['送达失败', 'failed'],
  offline_served: ['线下送达', 'served offline'],
  challenged: ['提出异议', 'challenged'],
  paper_copy_requested: ['申请纸质文书', 'paper copy requested'],
};

export const WEBHOOK_STATUS: Labels<WebhookStatus> = {
  pending: ['待投递', 'pending'],
  delivered: ['已送达', 'delivered'],
  dead: ['投递失败', 'failed (dead letter)'],
};

export const WEBHOOK_EVENTS: Labels<string> = {
  'case.referred': ['案件移送', 'case referred'],
  'bundle.exported': ['联合申请材料包', 'joint application bundle'],
  'referral:referral.accepted': ['移交已受理', 'referral accepted'],
  'referral:case.session_scheduled': ['已安排调解', 'session scheduled'],
  'referral:case.agreement_effective': ['调解协议生效', 'agreement effective'],
  'referral:case.terminated': ['调解终止', 'mediation terminated'],
  'referral:case.withdrawn': ['申请人撤回', 'application withdrawn'],
};
