/**
 * The catalogue's console messages of collective disputes (`console.*`, joined to ./console.ts's
 * in ./index.ts): the case view's 代表人 part (representatives elected by co-applicants), and the
 * statistics' people and amounts.
 *
 * Size: data — one message per key in each language.
 */

export const representativesZh = {
  reprTitle: '代表人',
  reprNote:
    '共同申请的劳动者可推选代表人参加调解。代表人经特别授权的，其签署调解协议对所代表的申请人发生效力；撤销后其签名只约束本人。',
  reprNone: '尚未记录代表人。',
  reprActive: '有效',
  reprRevoked: '已撤销',
  reprRepresents: '代表',
  reprMaySign: '可代为签署调解协议',
  reprYes: '是（特别授权）',
  reprNo: '否',
  reprElectedOn: '推选日期',
  reprRecordedAt: '记录时间',
  reprDocument: '推选文件',
  reprDocumentUnknown: '（证据 {id}）',
  reprRevokedAt: '撤销时间',
  reprRevoke: '撤销代表人',
  reprRevokeConfirm: '撤销后，该代表人的签名只约束其本人，且不能恢复。确定撤销吗？',
  reprRevokeYes: '确定撤销',
  reprFormTitle: '记录推选的代表人',
  reprRepresentative: '代表人（申请人）',
  reprRepresented: '被代表的申请人',
  reprMaySignLabel: '授权范围包括签署调解协议（特别授权）',
  reprEvidence: '推选文件（本案证据）',
  reprNoEvidence: '本案尚无证据，请先上传推选文件。',
  reprNeedRepresented: '请至少选择一名被代表的申请人。',
  reprNeedEvidence: '请选择推选文件。',
  reprSubmit: '记录代表人',
  reprFailed: '未能记录：',
  reprRevokeFailed: '未能撤销：',
  statWorkers: '涉及劳动者人数',
  statEmployers: '涉及用人单位数',
  statAmountClaimed: '请求金额合计',
  statCollectiveCases: '集体争议（十人以上）',
  statMultiRespondent: '多被申请人案件',
};

export type RepresentativesKey = keyof typeof representativesZh;

export const representativesEn: Record<RepresentativesKey, string> = {
  reprTitle: 'Representatives',
  reprNote:
    'Workers who apply together may elect representatives to act for them in mediation. A representative with special authority signs the agreement for those it represents; once revoked, its signature binds only itself.',
  reprNone: 'No representatives recorded.',
  reprActive: 'active',
  reprRevoked: 'revoked',
  reprRepresents: 'Represents',
  reprMaySign: 'May sign the agreement for them',
  reprYes: 'Yes (special authority)',
  reprNo: 'No',
  reprElectedOn: 'Elected on',
  reprRecordedAt: 'Recorded',
  reprDocument: 'Election document',
  reprDocumentUnknown: '(evidence {id})',
  reprRevokedAt: 'Revoked',
  reprRevoke: 'Revoke representative',
  reprRevokeConfirm:
    'Once revoked, the representative’s signature binds only itself; this cannot be undone. Revoke?',
  reprRevokeYes: 'Revoke',
  reprFormTitle: 'Record an elected representative',
  reprRepresentative: 'Representative (an applicant)',
  reprRepresented: 'Applicants represented',
  reprMaySignLabel: 'The authority covers signing the agreement (special authority)',
  reprEvidence: 'Election document (evidence of the case)',
  reprNoEvidence: 'The case has no evidence yet: upload the election document first.',
  reprNeedRepresented: 'Choose at least one applicant represented.',
  reprNeedEvidence: 'Choose the election document.',
  reprSubmit: 'Record representative',
  reprFailed: 'Not recorded: ',
  reprRevokeFailed: 'Not revoked: ',
  statWorkers: 'Workers involved',
  statEmployers: 'Employers involved',
  statAmountClaimed: 'Amounts claimed',
  statCollectiveCases: 'Collective (10+ workers)',
  statMultiRespondent: 'Several respondents',
};
