/**
 * The catalogue's console messages of the incoming-referrals view (`console.*`, joined to
 * ./console.ts's in ./index.ts): cases courts and arbitration commissions hand to the organisation.
 *
 * Size: data — one message per key in each language.
 */

export const referralsZh = {
  openReferrals: '机构移交的案件',
  incomingTitle: '委派/委托调解',
  incomingNote:
    '人民法院和仲裁委员会通过接口移交的案件。书记员受理后，案件即以移交内容登记并受理，机构可查看进展；不予接收须说明理由。',
  noIncoming: '暂无移交的案件。',
  referralNumber: '机构案号',
  referralReceived: '收到时间',
  referralNote: '机构附言',
  referralParties: '当事人',
  referralClaims: '请求事项',
  referralDecided: '处理时间',
  referralReason: '理由',
  acceptReferral: '受理并登记',
  declineReferral: '不予接收…',
  declineReason: '不予接收的理由（机构可见）',
  confirmDecline: '确认不予接收',
  openReferralCase: '打开案件',
  referralKind_delegated: '委派调解',
  referralKind_entrusted: '委托调解',
  referralStatus_pending: '待处理',
  referralStatus_accepted: '已受理',
  referralStatus_declined: '不予接收',
  referralStatus_withdrawn: '机构已撤回',
};

export type ReferralsKey = keyof typeof referralsZh;

export const referralsEn: Record<ReferralsKey, string> = {
  openReferrals: 'Cases handed over by institutions',
  incomingTitle: 'Delegated and entrusted mediation',
  incomingNote:
    'Cases courts and arbitration commissions hand over through their API. Accepted by a clerk, a case is registered and accepted from what was sent, and the institution follows its progress; declining needs reasons.',
  noIncoming: 'No cases handed over.',
  referralNumber: 'Institution’s case number',
  referralReceived: 'Received',
  referralNote: 'Note from the institution',
  referralParties: 'Parties',
  referralClaims: 'Requests',
  referralDecided: 'Decided',
  referralReason: 'Reasons',
  acceptReferral: 'Accept and register',
  declineReferral: 'Decline…',
  declineReason: 'Reasons for declining (the institution sees them)',
  confirmDecline: 'Decline',
  openReferralCase: 'Open the case',
  referralKind_delegated: 'Delegated (委派)',
  referralKind_entrusted: 'Entrusted (委托)',
  referralStatus_pending: 'Waiting',
  referralStatus_accepted: 'Accepted',
  referralStatus_declined: 'Declined',
  referralStatus_withdrawn: 'Withdrawn by the institution',
};
