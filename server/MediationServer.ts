/**
 * The composition root: wires config, logging, the case database, the worker
 * pool, live sessions, HTTP and Socket.IO. `create()` starts everything;
 * `close()` takes it down in the order mediasoup and SQLite need.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SessionTokens } from './auth/SessionTokens.js';
import {
  EvidenceAccessTokens,
  InstitutionFileTokens,
  InstitutionTokens,
  InvitationTokens,
  RecordingAccessTokens,
  StaffTokens,
} from './auth/tokenKinds.js';
import { CaseService } from './cases/CaseService.js';
import { leaseSessions } from './cluster/sessions.js';
import { openSharedState, type SharedState } from './cluster/state.js';
import { DeadlineScheduler } from './cases/DeadlineScheduler.js';
import { CalendarService } from './cases/CalendarService.js';
import { SqlApplicationRepository } from './db/SqlApplicationRepository.js';
import { SqlCalendarYears } from './db/SqlCalendarYears.js';
import { calendarRoutes } from './http/api/calendarRoutes.js';
import { ExtensionService } from './cases/extensions.js';
import { SqlExtensionRepository } from './db/SqlExtensionRepository.js';
import type { Config } from './config.js';
import { SqlAuditLog } from './db/SqlAuditLog.js';
import { SqlCaseRepository } from './db/SqlCaseRepository.js';
import { SqlJobLeases } from './db/SqlJobLeases.js';
import { processIdentity, type JobClaims } from './jobs/JobLeases.js';
import { SqliteDatabase, databaseFile } from './db/SqliteDatabase.js';
import { PostgresClient } from './db/sql/PostgresClient.js';
import type { SqlClient } from './db/sql/SqlClient.js';
import { SqlEvidenceRepository } from './db/SqlEvidenceRepository.js';
import { SqlBundleRepository } from './db/SqlBundleRepository.js';
import { SqlDisclosureConsentRepository } from './db/SqlDisclosureConsentRepository.js';
import { SqlFloorLogRepository } from './db/SqlFloorLogRepository.js';
import { SqlPaymentOrderRepository } from './db/SqlPaymentOrderRepository.js';
import { SessionFloorLog } from './cases/SessionFloorLog.js';
import { SqlRecordingRepository } from './db/SqlRecordingRepository.js';
import { recordingRoutes } from './http/api/recordingRoutes.js';
import { ReferralAwareAuditLog } from './institutions/InboundReferrals.js';
import { BundleService } from './references/BundleService.js';
import { PaymentOrderService } from './references/PaymentOrderService.js';
import { DisclosureConsents } from './references/DisclosureConsents.js';
import { ReferenceService } from './references/ReferenceService.js';
import type { WebhookDispatcher } from './institutions/WebhookDispatcher.js';
import { RecordingService } from './recordingService/RecordingService.js';
import { ServiceKeys } from './signing/ServiceKeys.js';
import { EvidenceService } from './evidence/EvidenceService.js';
import type { DocumentService } from './documents/DocumentService.js';
import type { WebhookLookup } from './institutions/webhookTarget.js';
import { composeApplications } from './compose/applications.js';
import type { Channels } from './compose/channels.js';
import { composeDocuments } from './compose/documents.js';
import { composeInstitutions, institutionApiRoutes } from './compose/institutions.js';
import { composeSupervision } from './compose/supervision.js';
import { secureDataDir } from './storage/dataDirPermissions.js';
import { SignInGuard } from './auth/SignInGuard.js';
import { SignInNotices } from './auth/SignInNotices.js';
import { SqlSecurityEvents } from './db/SqlSecurityEvents.js';
import { PdfRenderer } from './documents/PdfRenderer.js';
import { documentRoutes } from './http/api/documentRoutes.js';
import { evidenceRoutes } from './http/api/evidenceRoutes.js';
import { procedureRoutes } from './http/api/procedureRoutes.js';
import { openArchives, openBlobStore, openRecordingStores } from './storage/openBlobStore.js';
import { SqlServiceKeyVault } from './db/SqlServiceKeyVault.js';
import { NodeLoadMeter } from './media/nodeLoad.js';
import type { BlobStore } from './evidence/BlobStore.js';
import { caseRoutes } from './http/api/caseRoutes.js';
import { extensionRoutes } from './http/api/extensionRoutes.js';
import { apiRouter } from './http/api/router.js';
import { mediaRoutes } from './http/api/mediaRoutes.js';
import type { RouteSpec } from './http/api/routes.js';
import { createHttpApp, createListener } from './http/app.js';
import type { Logger } from './logger.js';
import { LiveSessionRegistry } from './media/LiveSessionRegistry.js';
import { WorkerPool } from './media/WorkerPool.js';
import { documentDesk } from './socket/documentDesk.js';
import { evidenceDesk } from './socket/evidenceDesk.js';
import type { RoomDeliveryChannel } from './socket/rooms.js';
import { createSignalingServer } from './socket/server.js';
import {
  SignalingGateway,
  sessionTokenCheck,
  type SignalingServer,
} from './socket/SignalingGateway.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The client bundle, whether running from sources (vitest) or from dist/. */
const DEFAULT_CLIENT_DIR = path.resolve(
  here,
  here.includes(`${path.sep}dist${path.sep}`) ? '../../client/dist' : '../client/dist',
);

export interface MediationServerOptions {
  clientDir?: string;
  /** Resolves webhook host names (tests inject one: no real DNS). */
  webhookLookup?: WebhookLookup;
}

interface Parts {
  config: Config;
  logger: Logger;
  database: SqlClient;
  cases: CaseService;
  evidence: EvidenceService;
  documents: DocumentService;
  documentDelivery: RoomDeliveryChannel;
  shared: SharedState;
  recordings: RecordingService;
  keys: ServiceKeys;
  webhooks: WebhookDispatcher;
  channels: Channels;
  scheduler: DeadlineScheduler;
  pool: WorkerPool;
  sessions: LiveSessionRegistry;
  tokens: SessionTokens;
  http: http.Server;
  io: SignalingServer;
  routes: readonly RouteSpec[];
  /** Evidence's and documents' stores (their connections close last). */
  blobStores: readonly BlobStore[];
  load: NodeLoadMeter;
  /** Set when close() starts: /healthz answers 503 'draining'. */
  draining: { now: boolean };
  gateway: SignalingGateway;
}

export class MediationServer {
  readonly config: Config;
  readonly logger: Logger;
  /** The case database: embedded SQLite, or PostgreSQL when DATABASE_URL is set. */
  readonly database: SqlClient;
  readonly cases: CaseService;
  readonly evidence: EvidenceService;
  /** The document service (文书送达) and its live in-app delivery channel. */
  readonly documents: DocumentService;
  readonly documentDelivery: RoomDeliveryChannel;
  /** Redis when several nodes share the rooms and the limits; else this process. */
  readonly shared: SharedState;
  readonly recordings: RecordingService;
  /** The service's signing keys (manifests, references); public at /.well-known/jwks.json. */
  readonly keys: ServiceKeys;
  /** Deliveries to institutions' webhooks (retried across restarts). */
  readonly webhooks: WebhookDispatcher;
  /** E-mail through the relay and its delivery reports, when configured. */
  readonly channels: Channels;
  readonly scheduler: DeadlineScheduler;
  readonly pool: WorkerPool;
  readonly sessions: LiveSessionRegistry;
  readonly tokens: SessionTokens;
  /** The Socket.IO server (tests simulate network drops through it). */
  readonly io: SignalingServer;
  /** The API route table as mounted under /api (tests derive their authorization table from it). */
  readonly routes: readonly RouteSpec[];
  readonly #http: http.Server;
  #closing: Promise<void> | undefined;

  readonly #blobStores: readonly BlobStore[];
  readonly #load: NodeLoadMeter;
  readonly #draining: { now: boolean };
  readonly #gateway: SignalingGateway;

  private constructor(parts: Parts) {
    this.config = parts.config;
    this.logger = parts.logger;
    this.database = parts.database;
    this.cases = parts.cases;
    this.evidence = parts.evidence;
    this.documents = parts.documents;
    this.documentDelivery = parts.documentDelivery;
    this.shared = parts.shared;
    this.recordings = parts.recordings;
    this.keys = parts.keys;
    this.webhooks = parts.webhooks;
    this.channels = parts.channels;
    this.scheduler = parts.scheduler;
    this.pool = parts.pool;
    this.sessions = parts.sessions;
    this.tokens = parts.tokens;
    this.io = parts.io;
    this.routes = parts.routes;
    this.#http = parts.http;
    this.#blobStores = parts.blobStores;
    this.#load = parts.load;
    this.#draining = parts.draining;
    this.#gateway = parts.gateway;
  }

  static async create(
    config: Config,
    logger: Logger,
    options: MediationServerOptions = {},
  ): Promise<MediationServer> {
    // Fails before anything starts when the CJK font package is missing.
    const renderer = PdfRenderer.open();
    // Case files, evidence, recordings, keys: readable by the service's user only.
    secureDataDir(config.dataDir, logger);
    const database: SqlClient = config.database.url
      ? await PostgresClient.open(config.database.url, { max: config.database.poolSize }, logger)
      : SqliteDatabase.open(databaseFile(config.dataDir), logger);
    const repository = new SqlCaseRepository(database);
    // Case events also reach the referrals of the institutions that follow them.
    const audit = new ReferralAwareAuditLog(new SqlAuditLog(database));
    // Background work every process on the database shares: claimed before it is done.
    const jobs: JobClaims = {
      leases: new SqlJobLeases(database),
      owner: processIdentity(),
      leaseMs: config.jobs.leaseMs,
    };
    // The shipped schedules, the years clerks added (calendar_years) and WORK_CALENDAR_*.
    const workCalendar = await CalendarService.open({
      years: new SqlCalendarYears(database),
      cases: repository,
      audit,
      operator: config.calendar,
    });
    const cases = new CaseService({
      repository,
      audit,
      calendar: workCalendar.calendar,
      evidenceItem: async (caseId, itemId) => {
        const item = await evidenceItems.get(itemId);
        return item?.caseId === caseId ? item : undefined;
      },
    });
    const evidenceItems = new SqlEvidenceRepository(database);
    // Files under DATA_DIR, or the object store every node reads (S3_BUCKET).
    const evidenceBlobs = await openBlobStore(config, 'evidence');
    const documentBlobs = await openBlobStore(config, 'documents');
    const recordingStores = await openRecordingStores(config);
    // Bundles and payment-order packs: files, or objects of their own areas in the same store.
    const { archives, stores: archiveBlobs } = await openArchives(config);
    const applicationRecords = new SqlApplicationRepository(database);
    const evidence = new EvidenceService({
      items: evidenceItems,
      cases: repository,
      audit,
      blobs: evidenceBlobs,
      limits: config.evidence,
      // Online applications' attachments wait in the same store until a case takes them.
      heldElsewhere: () => applicationRecords.fileKeys(),
    });
    // Unfinished uploads of a crash go; records whose file vanished are flagged.
    await evidence.reconcileAtStart(logger);
    // Several nodes (SERVICE_KEYS_SECRET): the keys every node shares, sealed in the database;
    // the first node brings this data directory's keys. Else the key files of DATA_DIR.
    const keyFiles = path.join(config.dataDir, 'keys');
    const keys = config.auth.serviceKeysSecret
      ? await ServiceKeys.openShared(
          new SqlServiceKeyVault(database),
          config.auth.serviceKeysSecret,
          { importFrom: keyFiles },
        )
      : await ServiceKeys.open(keyFiles);
    const recordings = await RecordingService.create({
      repository: new SqlRecordingRepository(database),
      audit,
      keys,
      directory: path.join(config.dataDir, 'recordings'),
      stores: recordingStores,
      severalNodes: config.redis !== undefined,
      listenIp: '127.0.0.1',
      cases: repository,
      logger,
      jobs,
    });
    // Several nodes (REDIS_URL): rooms and limits shared through Redis; else in this process.
    let shared: SharedState;
    let pool: WorkerPool;
    // The load this node publishes for placing new sessions (set once the meter exists).
    let placementScore: () => number | undefined = () => undefined;
    try {
      shared = await openSharedState(config.redis, logger, () => placementScore());
    } catch (error) {
      await database.close();
      throw error;
    }
    try {
      pool = await WorkerPool.create(config.media, logger);
    } catch (error) {
      await shared.close();
      await database.close();
      throw error;
    }
    const floorLog = new SessionFloorLog(new SqlFloorLogRepository(database), audit, logger);
    const sessions = new LiveSessionRegistry(pool, config.media, logger, {
      created: (session) => {
        floorLog.attach(session);
        recordings.adopt(session);
      },
      restore: (sessionId, caseId, memory) => floorLog.restore(caseId, sessionId, memory),
      recordingState: (sessionId) => recordings.state(sessionId),
    });
    // What /healthz reports to the load balancer; `draining` from the moment close() starts.
    const load = new NodeLoadMeter(pool, sessions, config.media.numWorkers);
    const draining = { now: false };
    placementScore = () => (draining.now ? undefined : load.placementScore());
    const tokens = new SessionTokens(config.auth.jwtSecret);
    const staffTokens = new StaffTokens(config.auth.jwtSecret);
    const invitationTokens = new InvitationTokens(config.auth.jwtSecret);
    const accessTokens = new EvidenceAccessTokens(config.auth.jwtSecret);

    let url = '';
    const institutionParts = composeInstitutions({
      database,
      caseRecords: repository,
      cases,
      audit,
      archives,
      keys,
      logger,
      config,
      webhookLookup: options.webhookLookup,
    });
    const { institutions, webhooks } = institutionParts;
    const { documentDelivery, outbox, documents, channels, links, openShortLink } =
      composeDocuments({
        ...{ database, jobs, repository, cases, audit, blobs: documentBlobs, renderer, keys },
        ...{ evidence, evidenceItem: (id: string) => evidenceItems.get(id), invitationTokens },
        ...{ limiter: shared.limiter, config, logger, publicUrl: () => url },
      });
    const signInNotices = new SignInNotices({
      repository,
      events: new SqlSecurityEvents(database),
      notifications: outbox,
      institution: (id) => institutions.institutionActor(id),
      logger,
    });
    const signIn = new SignInGuard({
      onBackoff: (e) => signInNotices.backoffStarted(e),
      limiter: shared.limiter,
    });
    const supervision = composeSupervision({
      ...{ database, repository, cases, notifications: outbox, jobs, logger },
      ...{ renderer, archives, keys },
    });
    // Each pass first picks up years the CLI stored while the service runs, then serves notices;
    // last, the risk ledger's rules see the deadlines it marked; then reports of ended periods.
    const scheduler = new DeadlineScheduler(cases, logger, {
      intervalMs: config.jobs.deadlinePassMs,
      beforePass: () => workCalendar.refresh(),
      serveNotices: () => documents.serveNotices(),
      afterPass: () => supervision.afterPass(),
    });
    const extensions = new ExtensionService({
      repository: new SqlExtensionRepository(database),
      cases: repository,
      caseService: cases,
      audit,
      evidenceSha256: async (caseId, itemId) => {
        const item = await evidenceItems.get(itemId);
        return item?.caseId === caseId ? item.sha256 : undefined;
      },
    });
    const disclosure = new DisclosureConsents({
      repository: new SqlDisclosureConsentRepository(database),
      cases: repository,
      audit,
    });
    const references = new ReferenceService({
      institutions,
      cases: repository,
      audit,
      recordings,
      documents,
      keys,
      fileTokens: new InstitutionFileTokens(config.auth.jwtSecret),
      evidence: evidenceItems,
      disclosure,
    });
    const bundles = new BundleService({
      repository: new SqlBundleRepository(database),
      cases: repository,
      audit,
      documents,
      evidence,
      references,
      disclosure,
      institutions,
      webhooks,
      keys,
      archives,
      maxBytes: config.bundles.maxBytes,
    });
    const paymentOrders = new PaymentOrderService({
      repository: new SqlPaymentOrderRepository(database),
      cases: repository,
      audit,
      documents,
      evidence,
      references,
      disclosure,
      institutions,
      webhooks,
      keys,
      renderer,
      archives,
    });
    const applications = composeApplications({
      repository: applicationRecords,
      cases,
      caseRecords: repository,
      evidence,
      documents,
      notifications: outbox,
      links,
      limiter: shared.limiter,
      config,
      publicUrl: () => url,
    });
    const routes = [
      ...applications.routes,
      ...caseRoutes({
        cases,
        repository,
        staffTokens,
        invitationTokens,
        sessionTokens: tokens,
        signIn,
        publicUrl: () => url,
      }),
      ...extensionRoutes({ extensions }),
      ...evidenceRoutes({
        evidence,
        accessTokens,
        invitationActive: async (id) => (await cases.activeInvitation(id)) !== undefined,
        uploads: config.uploads,
        viewerActive: (viewer) => cases.viewerActive(viewer),
      }),
      ...documentRoutes({ documents, signIn, demoMessages: () => channels.demoMessages() }),
      ...calendarRoutes({ calendar: workCalendar }),
      ...procedureRoutes({ cases, documents }),
      ...institutionApiRoutes(institutionParts, {
        ...{ evidence, documents, references, bundles, paymentOrders, disclosure, signIn },
        tokens: new InstitutionTokens(config.auth.jwtSecret),
        uploads: config.uploads,
      }),
      ...mediaRoutes({ sessions }),
      ...supervision.routes,
      ...recordingRoutes({
        recordings,
        accessTokens: new RecordingAccessTokens(config.auth.jwtSecret),
        viewerActive: (viewer) => cases.viewerActive(viewer),
      }),
    ];
    const app = createHttpApp({
      logger,
      api: apiRouter({
        routes,
        staffTokens,
        invitationTokens,
        repository,
        cases,
        checkResponses: config.http.checkResponses,
      }),
      clientDir: options.clientDir ?? DEFAULT_CLIENT_DIR,
      health: load.health(config.nodeId, () => !draining.now, shared.cluster?.placement),
      healthToken: config.healthToken,
      jwks: () => keys.jwks(),
      trustedProxies: config.trustedProxies,
      shortLink: openShortLink,
    });
    const server = createListener(
      app,
      { tls: config.http.tls, uploadTimeoutMs: config.uploads.timeoutMs },
      logger,
    );
    const io = createSignalingServer(server, shared.socketAdapter);
    const stillValid = sessionTokenCheck({
      removedLive: (sessionId, sub) => sessions.get(sessionId)?.isRemoved(sub) === true,
      removedStored: (sessionId, sub) => floorLog.isRemoved(sessionId, sub),
      access: (claims) => cases.sessionAccess(claims),
    });
    const gateway = new SignalingGateway(
      tokens,
      sessions,
      config.socket,
      logger,
      stillValid,
      {
        evidence: evidenceDesk(evidence, accessTokens),
        recording: recordings,
        floorRecord: floorLog,
        documents: documentDesk(documents),
      },
      shared,
    );
    gateway.attach(io);
    documentDelivery.bind(io);
    if (shared.cluster) leaseSessions(shared.cluster.placement, sessions, recordings);
    // Deactivation, reassignment, a revoked invitation or an ended session closes the live
    // connections it withdraws, on this node and (shared state) on every other.
    cases.onAccessChange((change) => gateway.accessChanged(change));

    const instance = new MediationServer({
      config,
      logger,
      database,
      cases,
      evidence,
      documents,
      documentDelivery,
      shared,
      recordings,
      keys,
      webhooks,
      channels,
      scheduler,
      pool,
      sessions,
      tokens,
      http: server,
      io,
      routes,
      blobStores: [evidenceBlobs, documentBlobs, ...recordingStores.all, ...archiveBlobs],
      load,
      draining,
      gateway,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.http.port, config.http.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      await instance.close();
      throw error;
    }
    url = instance.url;
    scheduler.start();
    webhooks.start();
    await channels.start();
    // Recordings cut off by a crash are closed; pending composites render again.
    await recordings.recover();
    // …and after that, those another process sharing the database left when it died.
    recordings.startSweeps();
    logger.info({ url }, 'mediation server listening');
    return instance;
  }

  /** Where this server is reachable (PUBLIC_URL if set, else the bound address). */
  get url(): string {
    if (this.config.http.publicUrl) return this.config.http.publicUrl;
    const address = this.#http.address() as AddressInfo | null;
    const scheme = this.config.http.tls ? 'https' : 'http';
    const host =
      !address || ['0.0.0.0', '::'].includes(address.address)
        ? 'localhost'
        : address.address.includes(':')
          ? `[${address.address}]`
          : address.address;
    return `${scheme}://${host}:${address?.port ?? this.config.http.port}`;
  }

  get port(): number {
    return (this.#http.address() as AddressInfo).port;
  }

  /**
   * Closes sockets, then sessions (their transports), then workers, the
   * scheduler, HTTP, and last the database.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.logger.info('shutting down');
      this.#draining.now = true;
      // Shared keys: no more looking for other nodes' rotations (the database closes below).
      this.keys.close();
      // Recordings first: their captures finish their files while media still flows.
      await this.recordings.close();
      this.#gateway.close();
      // This node's connections only (the shared adapter would reach every node's), their
      // transports closed so that the pages reconnect: through the balancer to another node,
      // or here once this node is back.
      for (const socket of this.io.of('/').sockets.values()) socket.conn.close();
      this.sessions.closeAll();
      this.pool.close();
      await this.scheduler.stop();
      await this.webhooks.stop();
      await this.channels.stop();
      await new Promise<void>((resolve) => this.io.close(() => resolve()));
      await this.shared.close();
      this.#http.closeAllConnections();
      await this.database.close();
      for (const store of this.#blobStores) store.close?.();
      this.#load.close();
      this.logger.info('shut down');
    })();
    return this.#closing;
  }
}
