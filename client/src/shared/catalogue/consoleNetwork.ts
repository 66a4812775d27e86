/**
 * The catalogue's console messages of the mediation network (`console.*`, joined to ./console.ts's
 * in ./index.ts): the organisations within reach, a new one, a case moved to another.
 *
 * Size: data — one message per key in each language.
 */

export const networkZh = {
  openNetwork: '调解组织网络',
  networkTitle: '调解组织网络',
  networkNote:
    '本组织及下属的调解组织。书记员可在本组织或下属组织之下设立街镇调解组织、企业劳动争议调解委员会或工会、行业调解组织，并为其添加工作人员。',
  networkStaff: '在岗工作人员 {n} 人',
  networkOpenCases: '在办案件 {n} 件',
  networkOwn: '本组织',
  networkAddTitle: '设立下属调解组织',
  networkName: '组织名称',
  networkKind: '类别',
  networkParent: '上级组织',
  networkAdd: '设立',
  networkAdded: '已设立：{name}',
  transferTitle: '移交其他调解组织',
  transferNote:
    '调解开始前，可将案件移交本调解组织网络中的其他组织办理：案件使用接收组织的新案号，原调解员不再承办，当事人将收到短信通知。',
  transferTarget: '接收组织',
  transferReason: '移交理由（至少 10 个字）',
  transferConfirm: '确认移交',
  transferDone: '已移交{name}，新案号 {number}。',
  supervisorNote:
    '监督员只读视图：案件进程、当事人（不含身份证件号码和联系方式）、文书及其送达、审计记录。不含证据内容、录音录像和短信邮件记录。',
} as const;

export type NetworkKey = keyof typeof networkZh;

export const networkEn: Record<NetworkKey, string> = {
  openNetwork: 'Mediation network',
  networkTitle: 'Mediation network',
  networkNote:
    'This organisation and those below it. A clerk sets up sub-district or town organisations, enterprise committees or union and trade organisations under their own or one below it, and adds their staff.',
  networkStaff: '{n} active staff',
  networkOpenCases: '{n} open cases',
  networkOwn: 'this organisation',
  networkAddTitle: 'Set up an organisation below',
  networkName: 'Name',
  networkKind: 'Kind',
  networkParent: 'Under',
  networkAdd: 'Set up',
  networkAdded: 'Set up: {name}',
  transferTitle: 'Move to another organisation',
  transferNote:
    'Before mediation begins, the case can move to another organisation of the network: it takes that organisation’s number, its mediator no longer handles it, and the parties are told by SMS.',
  transferTarget: 'Receiving organisation',
  transferReason: 'Reasons (at least 10 characters)',
  transferConfirm: 'Move the case',
  transferDone: 'Moved to {name}; new number {number}.',
  supervisorNote:
    'Supervisor’s read-only view: the procedure, the parties (without identity numbers or contacts), the documents and their service, the audit trail. No evidence content, recordings or SMS/e-mail record.',
};
