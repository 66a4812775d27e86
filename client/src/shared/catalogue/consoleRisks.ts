/**
 * The catalogue's console messages of the risk ledger (风险台账, `console.*`, joined to
 * ./console.ts's in ./index.ts), and its codes (`labels.riskRules` and the others).
 *
 * Size: data — one message per key in each language.
 */
import type { RiskActionKind, RiskLevel, RiskRule } from '../../console/apiTypes.js';
import type { Labels } from './types.js';

export const RISK_RULES: Labels<RiskRule> = {
  collective_dispute: ['集体劳动争议', 'collective dispute'],
  wage_arrears: ['大额欠薪', 'large wage arrears'],
  repeat_employer: ['同一用人单位多案', 'one employer, several cases'],
  overdue_deadline: ['办案期限逾期', 'deadline overdue'],
  unperformed_agreement: ['调解协议未履行', 'agreement not performed'],
  failed_sessions: ['调解会议多次未成', 'sessions repeatedly failed'],
};

export const RISK_LEVELS: Labels<RiskLevel> = {
  high: ['重大', 'high'],
  medium: ['较大', 'medium'],
  low: ['一般', 'low'],
};

export const RISK_ACTION_KINDS: Labels<RiskActionKind> = {
  opened: ['预警', 'raised'],
  owner: ['认领', 'owner named'],
  action: ['处置', 'action'],
  cleared: ['条件消除', 'condition cleared'],
  recurred: ['再次触发', 'recurred'],
  closed: ['销号', 'closed'],
};

export const risksZh = {
  openRisks: '风险台账',
  risksTitle: '风险台账与预警',
  risksNote:
    '系统按本组织设定的预警线，从案件数据中发现集体争议、大额欠薪、同一用人单位多案、期限逾期、协议未履行和调解会议多次未成等风险，每条附触发的案件和数字。请指定责任人、记录处置情况，处置完毕后填写销号说明。',
  risksAlert: '风险预警：{n} 条未认领',
  risksOpen: '在办',
  risksClosed: '已销号',
  risksAll: '全部',
  risksOrganisation: '组织',
  risksAllOrganisations: '全部组织',
  risksNone: '没有条目。',
  risksScan: '立即扫描',
  risksScanned: '扫描完成：新增 {opened} 条，更新 {updated} 条，条件消除 {cleared} 条。',
  risksCases: '涉及案件',
  risksOwner: '责任人',
  risksNoOwner: '未认领',
  risksCleared: '预警条件已消除，待销号',
  risksOpenedAt: '预警时间',
  risksHistory: '处置记录',
  risksSetOwner: '指定责任人',
  risksActionNote: '处置情况',
  risksAddAction: '记录',
  risksCloseNote: '销号说明（至少 10 个字）',
  risksClose: '销号',
  risksClosingNote: '销号说明',
  risksSettings: '预警线设置',
  risksCollectiveWorkers: '集体争议：劳动者人数达到',
  risksWageAmount: '欠薪金额达到（元）',
  risksRepeatEmployer: '同一用人单位在办案件达到',
  risksOverdueDays: '期限逾期天数达到',
  risksUnperformedDays: '履行期限届满后天数达到',
  risksFailedSessions: '调解会议取消或未如期召开达到（次）',
  risksAlertEmail: '预警邮箱',
  risksAlertPhone: '预警手机',
  risksRuleOff: '留空即不启用该项预警。',
  risksSave: '保存设置',
  risksSaved: '已保存。',
  risksDefaults: '当前使用默认预警线。',
  riskFigWorkers: '劳动者人数',
  riskFigThreshold: '预警线',
  riskFigAmountClaimed: '请求金额（元）',
  riskFigOpenCases: '在办案件',
  riskFigDeadline: '期限',
  riskFigDueOn: '届满日',
  riskFigDaysOverdue: '逾期天数',
  riskFigNotPerformed: '未履行人数',
  riskFigPartlyPerformed: '部分履行人数',
  riskFigCancelled: '取消次数',
  riskFigMissed: '未如期召开次数',
} as const;

export type RisksKey = keyof typeof risksZh;

export const risksEn: Record<RisksKey, string> = {
  openRisks: 'Risk ledger',
  risksTitle: 'Risk ledger and early warning',
  risksNote:
    'With the thresholds this organisation sets, the service finds collective disputes, large wage arrears, one employer in several cases, overdue deadlines, agreements not performed and repeatedly failed sessions in the case data; each entry names the cases and figures that raised it. Name an owner, record what was done, and close it with a note.',
  risksAlert: 'Risk alert: {n} without an owner',
  risksOpen: 'Open',
  risksClosed: 'Closed',
  risksAll: 'All',
  risksOrganisation: 'Organisation',
  risksAllOrganisations: 'All organisations',
  risksNone: 'No entries.',
  risksScan: 'Scan now',
  risksScanned: 'Scanned: {opened} new, {updated} updated, {cleared} cleared.',
  risksCases: 'Cases',
  risksOwner: 'Owner',
  risksNoOwner: 'no owner yet',
  risksCleared: 'The condition no longer holds; waiting to be closed',
  risksOpenedAt: 'Raised',
  risksHistory: 'History',
  risksSetOwner: 'Name the owner',
  risksActionNote: 'What was done',
  risksAddAction: 'Record',
  risksCloseNote: 'Closing note (at least 10 characters)',
  risksClose: 'Close',
  risksClosingNote: 'Closing note',
  risksSettings: 'Thresholds',
  risksCollectiveWorkers: 'Collective dispute: workers at least',
  risksWageAmount: 'Wage arrears at least (yuan)',
  risksRepeatEmployer: 'Open cases against one employer at least',
  risksOverdueDays: 'Days overdue at least',
  risksUnperformedDays: 'Days after the performance deadline at least',
  risksFailedSessions: 'Sessions cancelled or missed at least',
  risksAlertEmail: 'Alert e-mail',
  risksAlertPhone: 'Alert mobile',
  risksRuleOff: 'Leave a threshold empty to switch that warning off.',
  risksSave: 'Save',
  risksSaved: 'Saved.',
  risksDefaults: 'The default thresholds apply.',
  riskFigWorkers: 'workers',
  riskFigThreshold: 'threshold',
  riskFigAmountClaimed: 'amount claimed (yuan)',
  riskFigOpenCases: 'open cases',
  riskFigDeadline: 'deadline',
  riskFigDueOn: 'due on',
  riskFigDaysOverdue: 'days overdue',
  riskFigNotPerformed: 'not performed',
  riskFigPartlyPerformed: 'partly performed',
  riskFigCancelled: 'cancelled',
  riskFigMissed: 'missed',
};
