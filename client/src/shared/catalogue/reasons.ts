/**
 * The catalogue's failures (`labels.reasons`, `labels.errorCodes`): why a request failed, by
 * the server's reason code (signaling/reasons.ts) with `{name}` filled from its parameters,
 * and by its error code alone when the reason is unknown to the page. Chinese first.
 *
 * Size: data — one line pair per reason.
 */
import type { ErrorCode, Reason } from '../../../../signaling/index.js';
import type { PAYMENT_ORDER_INELIGIBLE_REASONS } from '../../../../signaling/http/institutions.js';
import type { Labels } from './types.js';

type PaymentOrderIneligibleReason = (typeof PAYMENT_ORDER_INELIGIBLE_REASONS)[number];

/**
 * Why a request failed, by the server's reason code (signaling/reasons.ts),
 * `{name}` filled from its parameters; a test checks that it covers every reason with its
 * parameters.
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
  SESSION_NODE_UNREACHABLE: [
    '承载本场调解的服务器暂未响应，请稍后重试。',
    'The server holding this session does not answer; retry shortly.',
  ],
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
  CASE_TRANSFER_TARGET_UNKNOWN: [
    '本调解组织网络中没有该组织。',
    'No organisation of this network has that id.',
  ],
  CASE_TRANSFER_SAME_ORGANISATION: [
    '案件已在该组织办理。',
    'The case is with that organisation already.',
  ],
  CASE_TRANSFER_TO_BUREAU: [
    '人社局负责监督，案件应移交调解组织办理。',
    'The bureau supervises mediation; cases go to a mediation organisation.',
  ],
  SUPERVISOR_READS_ONLY: [
    '监督员只能查阅案件，不能办理。',
    'A supervisor reads cases; they change nothing.',
  ],
  SUPERVISOR_NO_CONTACT_DATA: [
    '监督员不查阅当事人的证据内容和联系方式。',
    "A supervisor does not read the parties' evidence or contact details.",
  ],
  PERIOD_REVERSED: ['统计期间的起始日期晚于截止日期。', 'The period starts after it ends.'],
  PERIOD_TOO_LONG: ['统计期间最长 {years} 年。', 'A period of at most {years} years.'],
  REPORT_PERIOD_INVALID: [
    '统计期间应为某月（YYYY-MM）或某季度（YYYY-Qn）。',
    'A report covers a month (YYYY-MM) or a quarter (YYYY-Qn).',
  ],
  REPORT_PERIOD_NOT_ENDED: [
    '统计期间尚未结束，{to} 之后才能生成该期报表。',
    'The period has not ended yet: its report can be made from the day after {to}.',
  ],
  REPORT_FILE_ALTERED: [
    '存储的报表文件与生成时记录的哈希值不符，请联系系统管理员。',
    'The stored report file no longer matches the hash kept when it was made.',
  ],
  TRAINING_IN_FUTURE: ['培训须在举办之后记录。', 'A training is recorded once it took place.'],
  ASSESSMENT_IN_FUTURE: ['考核年度尚未开始。', 'A year is assessed once it has begun.'],
  ASSESSMENT_EXISTS: [
    '该调解员 {period} 年度已有考核结果。',
    'The mediator was assessed for {period} already.',
  ],
  RISK_ENTRY_CLOSED: ['该风险台账条目已销号关闭。', 'This risk ledger entry is closed.'],
  RISK_OWNER_UNKNOWN: [
    '责任人须为该组织在职的工作人员或调解员。',
    "No active clerk or mediator of the entry's organisation has that id.",
  ],
  RISK_OWNER_OR_CLERK: [
    '只有本组织工作人员和该条目的责任人可以记录处置情况。',
    "Only the organisation's clerks and the entry's owner record actions on it.",
  ],
  ORGANISATION_KIND_NOT_UNDER: [
    '该类组织不能设在所选上级组织之下（{kind} 不能隶属于 {parentKind}）。',
    'An organisation of kind {kind} cannot stand under one of kind {parentKind}.',
  ],
  ORGANISATION_NAME_TAKEN: [
    '同一上级组织下已有同名组织。',
    'An organisation of that name stands under the same parent already.',
  ],
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
  ONLY_AGREEMENT_SIGNED: [
    '只有调解协议书和调解笔录需要签署。',
    'Only the mediation agreement and session records are signed.',
  ],
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
  NOT_A_SIGNER: ['您不是本文书的签署人。', 'You are not a signer of this document.'],
  REPRESENTATIVE_NOT_APPLICANT: [
    '{personId} 不是本案的其他申请人。',
    '{personId} is not another applicant of this case.',
  ],
  REPRESENTATIVE_NEEDS_DOCUMENT: [
    '请先将推选代表人的文书作为证据提交。',
    'File the election document as evidence of the case first.',
  ],
  REPRESENTED_ALREADY: [
    '{personId} 已有代表人或正在代表他人，请先撤销原推选。',
    '{personId} already has a representative or represents others: revoke that election first.',
  ],
  ELECTION_IN_FUTURE: ['推选日期晚于今天。', 'The election date is after today.'],
  REPRESENTATION_UNKNOWN: ['本案没有该代表关系。', 'No such representation in this case.'],
  REPRESENTATION_REVOKED: ['该代表关系已撤销。', 'This representation was revoked already.'],
  CLAIMS_NOT_APPLICANT: [
    '{personId} 不是本案的申请人。',
    '{personId} is not an applicant of this case.',
  ],
  PERSON_NOT_IN_AGREEMENT: [
    '调解协议中没有 {personId} 的条款。',
    "{personId} has no part of this case's agreement.",
  ],
  PERFORMANCE_PROOF_UNKNOWN: [
    '履行凭证须先作为本案证据提交。',
    'The proof of performance is not an evidence item of this case.',
  ],
  SESSION_RECORD_MEDIATOR_ONLY: [
    '只有本案调解员可以制作、签发和注明调解笔录。',
    "Only the case's mediator writes, issues and annotates its session records.",
  ],
  SESSION_RECORD_SESSION_NOT_ENDED: [
    '调解结束后方可签发笔录供签名。',
    'The record is issued for signing once the session has ended.',
  ],
  SESSION_RECORD_NO_DRAFT: ['请先保存笔录再签发。', 'Save the record before issuing it.'],
  SESSION_RECORD_UNKNOWN_PERSON: [
    '{personId} 不是本案人员。',
    '{personId} is not a person of this case.',
  ],
  SESSION_RECORD_NOT_SIGNER: [
    '{personId} 未到场，不是本笔录的签名人。',
    '{personId} did not attend and does not sign this record.',
  ],
  SESSION_RECORD_ALREADY_SIGNED: [
    '该参加人员已签名，不能记录拒签。',
    'This attendee has signed the record; a refusal cannot be recorded.',
  ],
  // references, evidence, storage
  REFERRAL_AGREEMENT_NOT_EFFECTIVE: [
    '调解协议尚未生效，不能申请司法确认或仲裁审查。',
    'The agreement is not effective yet: no joint application can be made.',
  ],
  REFERRAL_NO_EFFECTIVE_AGREEMENT: [
    '本平台没有已盖章生效或已登记纸质签署的调解协议书。',
    'There is no sealed or paper-signed agreement on the platform to submit.',
  ],
  JUDICIAL_APPLICATION_NOT_ISSUED: [
    '请先出具司法确认申请书。',
    'Issue the application for judicial confirmation first.',
  ],
  ARBITRATION_APPLICATION_NOT_ISSUED: [
    '请先出具仲裁审查申请书。',
    'Issue the application for arbitration review first.',
  ],
  BUNDLE_TOO_LARGE: [
    '材料包共 {sizeMb} MB，超过上限 {limitMb} MB；请核对证据的分类（身份证明、授权委托书）。',
    'The bundle would carry {sizeMb} MB, over the {limitMb} MB limit; check the evidence categories (identity, authorisation).',
  ],
  DELEGATED_REPORT_NO_BUNDLE: [
    '委派调解的调解情况报告没有申请材料包。',
    'A delegated mediation report has no application bundle.',
  ],
  BUNDLE_FILE_CHANGED: [
    '材料（{path}）与生成时记录的哈希值不符。',
    '{path} no longer matches the hash fixed when it was written.',
  ],
  STORED_ARCHIVE_ALTERED: [
    '存档的材料包与其记录的哈希值不符。',
    'The stored archive no longer matches its hash.',
  ],
  EVIDENCE_FILE_UNREADABLE: ['证据文件无法读取。', 'An evidence file cannot be read.'],
  SIGNED_SCAN_UNREADABLE: [
    '已签署协议的扫描件无法读取。',
    'The scan of the signed agreement cannot be read.',
  ],
  REFERRAL_PREVIEW_OBSERVER: ['旁听人员不能查看移送材料。', 'An observer cannot see the referral.'],
  REFERRAL_PREVIEW_OWN_CASE: [
    '只能查看本人案件的移送材料。',
    'Only your own case’s referral can be previewed.',
  ],
  DISCLOSURE_CONSENT_PARTIES_ONLY: [
    '只有当事人或特别授权代理人可以作出此项同意。',
    'Only a party or an agent with special authority may give this consent.',
  ],
  PAYMENT_ORDER_REQUESTER_REQUIRED: [
    '请注明提出申请的劳动者（申请人或其特别授权代理人）。',
    'Name the worker (the applicant or its agent with special authority) who asked for it.',
  ],
  PAYMENT_ORDER_APPLICANT_ONLY: [
    '只有申请人或其特别授权代理人可以申请支付令。',
    'Only the applicant or its agent with special authority applies for a payment order.',
  ],
  PAYMENT_ORDER_NOT_ELIGIBLE: [
    '本案不能申请支付令：{unmet}。',
    'This case does not qualify for a payment order: {unmet}.',
  ],
  PAYMENT_ORDER_NO_EFFECTIVE_AGREEMENT: [
    '本平台没有已盖章或已登记纸质签署的生效调解协议书。',
    'There is no sealed or paper-signed effective agreement on the platform.',
  ],
  PAYMENT_ORDER_COURT_ONLY: [
    '支付令只能向人民法院申请，不能发送给仲裁委员会。',
    'A payment order is applied for at a court, not an arbitration commission.',
  ],
  OBSERVER_NO_EVIDENCE: ['旁听人员不能提交证据。', 'An observer may not submit evidence.'],
  CASE_CLOSED_TO_EVIDENCE: ['本案已不再接收证据。', 'This case no longer accepts evidence.'],
  EVIDENCE_QUOTA_REACHED: [
    '本案证据已达存储上限。',
    'The case has reached its evidence storage limit.',
  ],
  FILE_TOO_LARGE: [
    '文件超过 {maxBytes} 字节的上限。',
    'The file exceeds the {maxBytes}-byte limit.',
  ],
  SUBMITTER_OR_STAFF_SHARES: [
    '只有提交方或工作人员可以共享。',
    'Only the side that submitted an item, or staff, may share it.',
  ],
  SUBMITTER_OR_STAFF_CATEGORISES: [
    '只有提交方或工作人员可以更改材料类别。',
    'Only the side that submitted an item, or staff, may change its category.',
  ],
  EVIDENCE_EMPTY: ['文件为空，请重新选择。', 'The file is empty; choose another.'],
  EVIDENCE_MARKUP: [
    'HTML 和 SVG 文件不予接收，请转换为 PDF 或图片后上传。',
    'HTML and SVG files are not accepted; convert them to PDF or an image.',
  ],
  EVIDENCE_TYPE_NOT_ACCEPTED: [
    '不支持该文件类型，仅接受 PDF、图片（JPEG/PNG/WebP/HEIC）、录音（MP3/M4A/WAV/OGG）、录像（MP4/WebM）、Word、Excel 和纯文本。',
    'This file type is not accepted; accepted are PDF, images (JPEG/PNG/WebP/HEIC), audio (MP3/M4A/WAV/OGG), video (MP4/WebM), Word, Excel and plain text.',
  ],
  EVIDENCE_NAME_MISMATCH: [
    '文件内容为 {detected} 格式，但文件名扩展名为 .{extension}（属于 {owner} 格式），请更正文件名后重新上传。',
    'The content is {detected} but the file name ends in .{extension} (used for {owner}); correct the file name and upload again.',
  ],
  EVIDENCE_EXTENSION_NOT_ACCEPTED: [
    '文件内容为 {detected} 格式，但文件名扩展名为 .{extension}（不在接收范围内），请更正文件名后重新上传。',
    'The content is {detected} but the file name ends in .{extension} (not accepted); correct the file name and upload again.',
  ],
  EVIDENCE_UNCHECKED: [
    '文件无法检查，请重新上传。',
    'The file could not be checked; upload it again.',
  ],
  UPLOAD_NOT_MULTIPART: [
    '上传格式有误，请重新选择文件上传。',
    'Send the evidence as a file upload.',
  ],
  UPLOAD_NO_FILE: ['未收到文件，请选择文件后上传。', 'The upload has no file.'],
  UPLOAD_MALFORMED: ['上传内容有误，请重新上传。', 'The upload was malformed; upload it again.'],
  UPLOAD_INTERRUPTED: ['上传中断，请重新上传。', 'The upload was interrupted; upload it again.'],
  UPLOAD_IDLE: [
    '上传超时（{ms} 毫秒内未收到数据），请检查网络后重新上传。',
    'The upload timed out (nothing arrived for {ms} ms); check the connection and upload again.',
  ],
  UPLOAD_TOO_SLOW: [
    '上传超时（未在 {ms} 毫秒内完成），请检查网络后重新上传。',
    'The upload timed out (not complete within {ms} ms); check the connection and upload again.',
  ],
  EVIDENCE_LINK_EXPIRED: ['证据查看链接已过期。', 'This view link has expired.'],
  EVIDENCE_LINK_INVALID: ['证据查看链接无效。', 'Invalid view link.'],
  EVIDENCE_LINK_OTHER_ITEM: [
    '该查看链接对应的是另一份证据。',
    'This view link is for another item.',
  ],
  EVIDENCE_LINK_WITHDRAWN: ['该证据查看链接已失效。', 'This view link is no longer valid.'],
  // ── auth, institutions, recording, http ─────────────────────────────────
  WRONG_CREDENTIALS: ['用户名或密码错误。', 'Wrong username or password.'],
  ACCOUNT_LOCKED_OUT: [
    '登录失败次数过多，请 {seconds} 秒后再试。',
    'Too many failed attempts for this account; try again in {seconds} s.',
  ],
  TOO_MANY_ATTEMPTS: [
    '尝试过于频繁，请 {seconds} 秒后再试。',
    'Too many attempts; try again in {seconds} s.',
  ],
  PASSWORD_TOO_WEAK: [
    '密码强度不足（评分 {score}/4，至少需要 {min}），请换用更长、更不常见的密码。',
    'The password is too easy to guess (score {score} of 4, at least {min} needed).',
  ],
  AUTH_HEADER_MALFORMED: [
    '登录凭证格式有误，请重新登录。',
    'The sign-in credential is malformed; sign in again.',
  ],
  CREDENTIAL_EXPIRED: [
    '登录或链接已过期，请重新登录或索取新链接。',
    'The sign-in or link has expired; sign in again or ask for a new link.',
  ],
  CREDENTIAL_INVALID: [
    '登录凭证无效，请重新登录。',
    'The sign-in credential is not valid; sign in again.',
  ],
  SIGNED_IN_ACCOUNT_INACTIVE: ['该账号已停用。', 'This account is no longer active.'],
  INVITATION_LINK_REVOKED: [
    '该参加链接已被撤销或已过期。',
    'This invitation has been revoked or has expired.',
  ],
  STAFF_ACCESS_ONLY: ['仅限调解组织工作人员。', 'Staff only.'],
  NOT_FOR_SYSTEM: ['系统账号不能进行此操作。', 'Not for the system account.'],
  JOIN_SESSION_REQUIRED: ['工作人员须指明要加入的调解场次。', 'Staff name the session to join.'],
  CASE_CHANGED_MEANWHILE: [
    '案件已被他人修改，请刷新后重试。',
    'The case was changed by someone else; reload and retry.',
  ],
  INSTITUTION_TOKEN_REQUIRED: [
    '需要受理机构的访问令牌。',
    'An institution access token is required.',
  ],
  INSTITUTION_TOKEN_EXPIRED: ['访问令牌已过期。', 'This access token has expired.'],
  INSTITUTION_TOKEN_INVALID: ['受理机构的访问令牌无效。', 'Invalid institution access token.'],
  INSTITUTION_KEY_WRONG: [
    '受理机构不存在或接口密钥错误。',
    'Unknown institution or wrong API key.',
  ],
  INSTITUTION_UNKNOWN: ['受理机构不存在。', 'Unknown institution.'],
  INSTITUTION_REVOKED: ['该凭证已被吊销。', 'This credential has been revoked.'],
  REFERRAL_NUMBER_REUSED: [
    '案号 {caseNumber} 已以不同内容移交过。',
    'Case number {caseNumber} was already referred with other content.',
  ],
  REFERRAL_KIND_NOT_FOR_INSTITUTION: [
    '仲裁委员会只能委派调解，委托调解仅限法院。',
    'An arbitration commission delegates mediation; only a court entrusts it.',
  ],
  REFERRAL_ALREADY_DECIDED: [
    '该移交已处理或已撤回。',
    'This referral has already been decided or withdrawn.',
  ],
  APPLICATION_CHALLENGE_INVALID: [
    '页面校验失败或已过期，请刷新页面后重试。',
    'The page check failed or expired; reload the page and try again.',
  ],
  APPLICATION_CHALLENGE_USED: [
    '页面校验已使用，请重试。',
    'This page check was already used; try again.',
  ],
  APPLICATION_ORGANISATION_REQUIRED: [
    '请选择申请调解的调解组织。',
    'Choose the mediation organisation to apply to.',
  ],
  APPLICATION_CODE_WRONG: ['验证码错误，还可尝试 {left} 次。', 'Wrong code; {left} attempts left.'],
  APPLICATION_CODE_EXPIRED: [
    '验证码已过期，请重新获取。',
    'The code has expired; request a new one.',
  ],
  APPLICATION_CODE_EXHAUSTED: [
    '验证码错误次数过多，请重新获取。',
    'Too many wrong codes; request a new one.',
  ],
  APPLICATION_CODE_USED: [
    '验证码已使用，请重新获取。',
    'This code was already used; request a new one.',
  ],
  APPLICATION_TOKEN_REQUIRED: [
    '请通过发送到您手机的链接打开申请。',
    'Open the application from the link sent to your mobile.',
  ],
  APPLICATION_TOKEN_INVALID: [
    '申请链接无效或已过期，请重新获取。',
    'This application link is invalid or has expired; request a new one.',
  ],
  APPLICATION_NOT_DRAFT: [
    '申请已提交，不能再修改。',
    'The application has been submitted and can no longer be changed.',
  ],
  APPLICATION_ALREADY_DECIDED: [
    '该申请已处理或已撤回。',
    'This application has already been decided or withdrawn.',
  ],
  APPLICATION_FILE_LIMIT: [
    '每份申请最多上传 {max} 个文件。',
    'At most {max} files per application.',
  ],
  REFERENCE_LINK_EXPIRED: [
    '文件链接已过期，请重新获取引用。',
    'This file link has expired; fetch a new reference.',
  ],
  REFERENCE_LINK_INVALID: ['文件链接无效。', 'Invalid file link.'],
  REFERENCE_LINK_OTHER_INSTITUTION: [
    '该链接是为其他机构签发的。',
    'This link is for another institution.',
  ],
  WEBHOOK_URL_INVALID: ['接收地址不是有效网址。', 'The webhook address is not a valid URL.'],
  WEBHOOK_URL_CREDENTIALS: [
    '接收地址不得包含用户名或密码。',
    'The webhook address must not contain credentials.',
  ],
  WEBHOOK_URL_NOT_HTTPS: [
    '接收地址须为 https（http 仅限配置 WEBHOOK_HTTP_ALLOWLIST 列出的主机）。',
    'The webhook must be an https address (plain http only for hosts listed in WEBHOOK_HTTP_ALLOWLIST).',
  ],
  WEBHOOK_ADDRESS_INTERNAL: [
    '接收地址指向内部或保留网络（{host}：{range}），不予使用。',
    'The webhook address is refused: {host} is a {range} address.',
  ],
  WEBHOOK_HOST_RESOLVES_INTERNAL: [
    '接收地址指向内部或保留网络（{host} 解析为 {address}：{range}），不予使用。',
    'The webhook address is refused: {host} is resolved to {address}, a {range} address.',
  ],
  WEBHOOK_HOST_UNRESOLVED: [
    '接收地址的主机名无法解析（{host}：{detail}）。',
    'The webhook host {host} does not resolve ({detail}).',
  ],
  JUDICIAL_CONFIRMATION_COURT_ONLY: [
    '司法确认申请只能向人民法院提出，不能移送仲裁委员会（《民事诉讼法》第二百零五条）。',
    'A joint application for judicial confirmation goes to a court, not to an arbitration commission (Civil Procedure Law art. 205).',
  ],
  ARBITRATION_REVIEW_COMMISSION_ONLY: [
    '仲裁审查申请只能向劳动人事争议仲裁委员会提出，不能移送人民法院（《劳动人事争议仲裁办案规则》第七十四条）。',
    'A joint application for arbitration review goes to an arbitration commission, not to a court (Rules for Handling Labour and Personnel Dispute Arbitration art. 74).',
  ],
  JUDICIAL_CONFIRMATION_LATE: [
    '司法确认申请期限已于 {dueOn} 届满。《中华人民共和国民事诉讼法》第二百零五条：申请司法确认的，由双方当事人自调解协议生效之日起三十日内，共同向有管辖权的人民法院提出。如仍需移送，请填写理由，理由将记入审计链和材料清单。',
    'The 30-day window for judicial confirmation closed on {dueOn}; to send the application anyway, record the reason, which goes into the audit chain and the manifest.',
  ],
  ARBITRATION_REVIEW_LATE: [
    '仲裁审查申请期限已于 {dueOn} 届满。《劳动人事争议仲裁办案规则》第七十四条：双方当事人可以自调解协议生效之日起十五日内，共同向有管辖权的仲裁委员会提出仲裁审查申请。如仍需移送，请填写理由，理由将记入审计链和材料清单。',
    'The 15-day window for arbitration review closed on {dueOn}; to send the application anyway, record the reason, which goes into the audit chain and the manifest.',
  ],
  ROLE_MAY_NOT_START_RECORDING: [
    '您的身份（{role}）不能开始录制。',
    'A {role} may not start a recording.',
  ],
  ROLE_MAY_NOT_STOP_RECORDING: [
    '您的身份（{role}）不能停止录制。',
    'A {role} may not stop a recording.',
  ],
  SERVICE_SHUTTING_DOWN: [
    '服务正在关闭，请稍后再试。',
    'The service is shutting down; try again later.',
  ],
  RECORDING_UNAVAILABLE: [
    '本服务器未安装 FFmpeg，无法录制。',
    'Recording is unavailable: FFmpeg is not installed on the server.',
  ],
  ALREADY_RECORDING: ['本次调解已在录制中。', 'This session is being recorded already.'],
  NOT_RECORDING: ['本次调解没有在录制。', 'This session is not being recorded.'],
  CONSENT_WITHDRAWN_FOR_GOOD: [
    '您已撤回对本次录制的同意，不能再次同意。',
    'Consent to this recording was withdrawn; it cannot be given again.',
  ],
  CONSENT_GIVEN_WITHDRAW_INSTEAD: [
    '您已同意录制；如不再同意，请撤回同意。',
    'Consent was given: withdraw it instead.',
  ],
  RECORDING_LINK_EXPIRED: ['查看链接已过期。', 'This view link has expired.'],
  RECORDING_LINK_INVALID: ['查看链接无效。', 'Invalid view link.'],
  RECORDING_LINK_OTHER_FILE: [
    '该查看链接对应的是另一个文件。',
    'This view link is for another file.',
  ],
  RECORDING_LINK_WITHDRAWN: ['该查看链接已失效。', 'This view link is no longer valid.'],
  ADMISSION_REFUSED: [
    '调解员未准许您进入本次调解。',
    'The mediator did not admit you to this session.',
  ],
  MALFORMED_PERCENT_ESCAPE: [
    '网址中含有无效的转义字符。',
    'The address has a malformed percent-escape.',
  ],
  BODY_NOT_JSON: ['提交的内容不是有效的 JSON。', 'The request body is not valid JSON.'],
  BODY_TOO_LARGE: ['提交的内容过大。', 'The request body is too large.'],
  BODY_ENCODING_UNSUPPORTED: [
    '不支持的请求编码或字符集。',
    'Unsupported request encoding or character set.',
  ],
  JSON_NOT_UTF8: ['JSON 须以 UTF-8 编码提交。', 'Send JSON encoded as UTF-8.'],
  BODY_UNREADABLE: ['无法读取提交的内容。', 'The request body could not be read.'],
  REQUEST_TOO_SLOW: ['请求传输超时，请重试。', 'The request took too long to arrive; try again.'],
  MALFORMED_REQUEST: ['请求格式有误。', 'Malformed HTTP request.'],
  PARSERS_SHUTTING_DOWN: [
    '服务正在关闭，请稍后再试。',
    'The service is shutting down; try again later.',
  ],
  STORED_DOCUMENT_CORRUPT: [
    '存储的文书与其校验值不符，请联系管理员。',
    'The stored document does not match its hash; contact the administrator.',
  ],
};

/**
 * The items of a list parameter, by the parameter's name: a reason such as
 * PAYMENT_ORDER_NOT_ELIGIBLE names what is unmet as codes, rendered here and
 * joined in the reader's language.
 */
export const LIST_ITEM_TEXT: Record<string, Labels<string> | undefined> = {
  // references, evidence, storage
  unmet: {
    claim_type: [
      '本案请求事项不属于可申请支付令的事项（拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金）',
      'the claims are not unpaid wages, work-injury medical costs, economic compensation or damages',
    ],
    agreement_not_effective: ['调解协议尚未生效', 'the agreement is not effective'],
    no_performance_deadline: [
      '调解协议未约定履行期限',
      'the agreement sets no performance deadline',
    ],
    deadline_not_passed: ['协议约定的履行期限尚未届满', 'the performance deadline has not passed'],
    performed: ['协议已登记履行', 'the agreement is recorded as performed'],
  } satisfies Labels<PaymentOrderIneligibleReason>,
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
