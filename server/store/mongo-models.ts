// Mongoose schemas of the MongoDB adapter, with every index declared here so that opening the store
// builds them. Dialog state is kept as JSON text: it is opaque to the store, and text cannot carry
// `$`- or dot-named keys into a document.
import { Schema, type Connection } from 'mongoose';
import { SENDERS, type Link, type Notice, type QuickReply, type Sender } from '../../common/wire.ts';
import { MESSAGE_OUTCOMES, type MessageOutcome } from '../../common/turn-outcomes.ts';
import type { PiiTag } from './store.ts';
import type { AuditEntry, ConsoleSession, ConsoleStore, ConsoleUser } from './console-store.ts';
import type { Handover, HandoverNote } from './handover-store.ts';
import type { WebhookEvent } from './webhook-store.ts';
import { carriedEvents, defineWebhookModels, type CarriedEvents } from './mongo-webhook-models.ts';
import { HANDOVER_SOURCES, HANDOVER_STATES, RESOLUTION_CODES } from '../../common/handover-wire.ts';
import { CONSOLE_ROLES } from '../../common/console-wire.ts';

export interface ConversationDoc extends CarriedEvents {
  _id: string;
  botId: string;
  visitorId: string;
  origin: string;
  createdAt: Date;
  lastActivityAt: Date;
  handover: boolean;
  state: string;
  /**
   * The id the next append tries first. Moved past each stored message with $max once the message
   * is in, so it may lag behind after a crash; the unique (conversationId, id) index, not this
   * counter, is what hands out an id (see appendMessage in mongo.ts).
   */
  nextMessageId: number;
  /**
   * The id of the last visitor message whose bot turn is done. Set in the same single-document
   * update as the state that turn wrote, so "done" and "state" can never disagree.
   */
  turnsDone?: number;
  /** The verified visitor's `sub` (null while anonymous): what a data subject's request finds the conversation by. */
  subject?: string | null;
  /** The language it was last answered in; absent on conversations from before it was kept. */
  locale?: string | null;
  /** Every intent and outcome its turns reached, each once ($addToSet in the turn's "done" update). */
  intents?: string[];
  outcomes?: MessageOutcome[];
  /** Set on archived copies only. */
  archivedAt?: Date;
}

/**
 * Retention is per bot and applied by sweep(), as on SQLite: no TTL index, because TTL indexes are
 * per collection while retention is per bot, and FerretDB (what the tests run against) has none.
 */
interface Expiring {
  botId: string;
  createdAt: Date;
}

export interface MessageDoc extends Expiring {
  conversationId: string;
  id: number;
  clientId: string | null;
  /**
   * What makes an append unique in its conversation: `client:<clientId>` for a visitor message,
   * `id:<id>` for a bot or system message. A plain unique index over it replaces a partial index
   * on clientId, which FerretDB lacks (and under which MongoDB and FerretDB disagree on nulls).
   */
  idempotencyKey: string;
  /** A visitor message's pending bot turn (TurnRequest as JSON), until the turn is done. */
  turn?: string | null;
  /** True while `turn` is pending: what the index of pending turns holds (never the input itself). */
  turnPending?: boolean | null;
  /** The visitor message a bot reply answers. */
  replyTo?: number | null;
  /** What the visitor message's turn did, once it completed: metadata without text. */
  outcome?: MessageOutcome | null;
  intent?: string | null;
  sender: Sender;
  text: string;
  quickReplies?: QuickReply[] | null;
  links?: Link[] | null;
  /** The operator's display name, on operator messages. */
  author?: string | null;
  /** What a system message announces. */
  notice?: Notice | null;
}

export interface ValueDoc extends Expiring {
  conversationId: string;
  key: string;
  value: string;
  pii: PiiTag;
}

// Strings are declared without `required`: Mongoose treats '' as missing, and '' is valid text.
const schemaOptions = { versionKey: false, strict: 'throw', strictQuery: 'throw' } as const;

const conversationSchema = new Schema<ConversationDoc>(
  {
    _id: { type: String },
    botId: { type: String },
    visitorId: { type: String },
    origin: { type: String },
    createdAt: { type: Date },
    lastActivityAt: { type: Date },
    handover: { type: Boolean, default: false },
    state: { type: String, default: '{}' },
    nextMessageId: { type: Number, default: 1 },
    turnsDone: { type: Number, default: 0 },
    // Always written (null while anonymous): MongoDB and FerretDB index a missing field differently.
    subject: { type: String, default: null },
    locale: { type: String, default: null },
    intents: { type: [String], default: [] },
    outcomes: { type: [String], default: [] },
    archivedAt: { type: Date },
    webhookOutbox: carriedEvents,
  },
  schemaOptions,
);
// What a crash left carried, found again by the outbox (mongo-outbox.ts).
conversationSchema.index({ 'webhookOutbox.id': 1 }, { sparse: true });
conversationSchema.index({ botId: 1, lastActivityAt: 1 });
// The console's browser: one bot's conversations, newest first.
conversationSchema.index({ botId: 1, createdAt: -1 });
// A data subject's export or erasure: one bot's conversations of one verified visitor, live and archived.
conversationSchema.index({ botId: 1, subject: 1 });
// The archive's own retention finds one bot's conversations by when they were archived.
const archivedConversationSchema = conversationSchema.clone();
archivedConversationSchema.index({ botId: 1, archivedAt: 1 });

const expiringFields = {
  botId: { type: String },
  createdAt: { type: Date },
};

/** The index sweep() deletes by: one bot's documents older than a cutoff. */
function withExpiry<T>(schema: Schema<T>): Schema<T> {
  schema.index({ botId: 1, createdAt: 1 });
  return schema;
}

const quickReplySchema = new Schema<QuickReply>({ label: String, action: String }, { _id: false, ...schemaOptions });
const linkSchema = new Schema<Link>({ label: String, url: String }, { _id: false, ...schemaOptions });
const noticeSchema = new Schema<Notice>(
  { kind: { type: String, enum: ['operator-joined', 'operator-left'] }, name: String, rate: { type: Boolean, default: undefined } },
  { _id: false, ...schemaOptions },
);

const messageSchema = withExpiry(
  new Schema<MessageDoc>(
    {
      ...expiringFields,
      conversationId: { type: String },
      id: { type: Number },
      clientId: { type: String, default: null },
      idempotencyKey: { type: String },
      turn: { type: String, default: undefined },
      turnPending: { type: Boolean, default: undefined },
      replyTo: { type: Number, default: undefined },
      outcome: { type: String, enum: MESSAGE_OUTCOMES, default: undefined },
      intent: { type: String, default: undefined },
      sender: { type: String, enum: SENDERS },
      text: { type: String, default: '' },
      quickReplies: { type: [quickReplySchema], default: undefined },
      links: { type: [linkSchema], default: undefined },
      author: { type: String, default: undefined },
      notice: { type: noticeSchema, default: undefined },
    },
    schemaOptions,
  ),
);
// One message per id, and one per client id, within a conversation: the two arbiters of appendMessage.
messageSchema.index({ conversationId: 1, id: 1 }, { unique: true });
messageSchema.index({ conversationId: 1, idempotencyKey: 1 }, { unique: true });
// Pending turns, oldest first (FerretDB has no partial indexes: done turns lose the field).
messageSchema.index({ turnPending: 1, createdAt: 1 });
messageSchema.index({ conversationId: 1, replyTo: 1 });

/**
 * One generation of a lease (see Store.lease and mongo-turns.ts): `_id` is `<name>#<gen>`, so taking
 * a lease over is the insert of the next generation, which the unique `_id` lets only one of several
 * contenders do.
 */
export interface LeaseDoc {
  _id: string;
  name: string;
  gen: number;
  owner: string;
  until: number;
}
const leaseSchema = new Schema<LeaseDoc>(
  { _id: { type: String }, name: { type: String }, gen: { type: Number }, owner: { type: String }, until: { type: Number } },
  schemaOptions,
);
leaseSchema.index({ name: 1, gen: -1 });

const valueSchema = withExpiry(
  new Schema<ValueDoc>(
    {
      ...expiringFields,
      conversationId: { type: String },
      key: { type: String },
      value: { type: String, default: '' },
      pii: { type: String, enum: ['none', 'contact', 'identity', 'sensitive'] },
    },
    schemaOptions,
  ),
);
valueSchema.index({ conversationId: 1, key: 1 }, { unique: true });

// The live handover (mongo-handovers.ts). Exactly-once decisions are inserts under a unique key,
// never conditional updates, which FerretDB runs as a read and then a write.

export interface HandoverDoc extends Omit<Handover, 'id'>, CarriedEvents {
  _id: string;
  /**
   * `open:<conversationId>` while waiting or assigned, `closed:<_id>` once over: a plain unique
   * index over it lets a conversation have one open handover at most (FerretDB has no partial
   * index), and the insert that opens one is the arbiter between racing openers.
   */
  openKey: string;
  /** The visitor message whose turn opened it (null otherwise), so a turn run again opens nothing twice. */
  openedByTurn: number | null;
}

/**
 * The marker of one transition, `<handoverId>#<version>` (or `<handoverId>#rating`): inserting it
 * under the unique `_id` is what makes a caller the one winner of version n (a conditional update
 * would crown several on FerretDB). It holds the change it stands for (never the resolution note,
 * so clearing a conversation leaves no text here), and the webhook events it causes (their bodies
 * sealed), so a transition whose writer crashed between marker and update can be finished by the
 * next caller.
 */
export interface HandoverTransitionDoc {
  _id: string;
  handoverId: string;
  conversationId: string;
  at: Date;
  patch: Record<string, unknown>;
  events?: WebhookEvent[];
}

export interface HandoverNoteDoc extends Omit<HandoverNote, 'id'> {
  _id: string;
  /** Of the handover's conversation: what deletion, clearing and the sweep find notes by. */
  conversationId: string;
  botId: string;
}

/** One console user's presence, `_id` = the user id. */
export interface PresenceDoc {
  _id: string;
  available: boolean;
  expiresAt: Date;
}

const nullable = <T>(type: T) => ({ type, default: null });

const handoverSchema = new Schema<HandoverDoc>(
  {
    _id: { type: String },
    conversationId: { type: String },
    botId: { type: String },
    state: { type: String, enum: HANDOVER_STATES },
    source: { type: String, enum: HANDOVER_SOURCES },
    origin: { type: String },
    startedAt: { type: Date },
    assigneeId: nullable(String),
    assignedAt: nullable(Date),
    firstResponseAt: nullable(Date),
    endedAt: nullable(Date),
    resolution: { type: String, enum: [...RESOLUTION_CODES, null], default: null },
    resolutionNote: nullable(String),
    rating: nullable(Number),
    ratingComment: nullable(String),
    version: { type: Number },
    openKey: { type: String },
    openedByTurn: nullable(Number),
    webhookOutbox: carriedEvents,
  },
  schemaOptions,
);
handoverSchema.index({ openKey: 1 }, { unique: true });
handoverSchema.index({ 'webhookOutbox.id': 1 }, { sparse: true });
handoverSchema.index({ conversationId: 1, startedAt: -1 });
handoverSchema.index({ botId: 1, state: 1, startedAt: 1 });
handoverSchema.index({ assigneeId: 1, startedAt: -1 });
handoverSchema.index({ startedAt: -1 });
// What the sweep forgets the texts of: one bot's handovers that ended before a cutoff.
handoverSchema.index({ botId: 1, endedAt: 1 });

const handoverTransitionSchema = new Schema<HandoverTransitionDoc>(
  {
    _id: { type: String },
    handoverId: { type: String },
    conversationId: { type: String },
    at: { type: Date },
    patch: { type: Schema.Types.Mixed, default: {} },
    events: carriedEvents,
  },
  { ...schemaOptions, minimize: false },
);
handoverTransitionSchema.index({ conversationId: 1 });

const handoverNoteSchema = withExpiry(
  new Schema<HandoverNoteDoc>(
    {
      ...expiringFields,
      _id: { type: String },
      handoverId: { type: String },
      conversationId: { type: String },
      authorId: { type: String },
      text: { type: String, default: '' },
    },
    schemaOptions,
  ),
);
handoverNoteSchema.index({ handoverId: 1, createdAt: 1 });
handoverNoteSchema.index({ conversationId: 1 });

const presenceSchema = new Schema<PresenceDoc>(
  { _id: { type: String }, available: { type: Boolean }, expiresAt: { type: Date } },
  schemaOptions,
);
presenceSchema.index({ available: 1, expiresAt: 1 });

function defineHandoverModels(conn: Connection) {
  return {
    handovers: conn.model<HandoverDoc>('Handover', handoverSchema, 'handovers'),
    handoverTransitions: conn.model<HandoverTransitionDoc>('HandoverTransition', handoverTransitionSchema, 'handover_transitions'),
    handoverNotes: conn.model<HandoverNoteDoc>('HandoverNote', handoverNoteSchema, 'handover_notes'),
    archivedHandovers: conn.model<HandoverDoc>('ArchivedHandover', handoverSchema, 'archived_handovers'),
    archivedHandoverNotes: conn.model<HandoverNoteDoc>('ArchivedHandoverNote', handoverNoteSchema, 'archived_handover_notes'),
    presence: conn.model<PresenceDoc>('OperatorPresence', presenceSchema, 'operator_presence'),
  };
}

/**
 * One saved version of a bot's data-protection settings (mongo-data-protection.ts): `_id` is
 * `<botId>#<version>`, so of savers racing for one version the unique `_id` lets one insert win.
 * The settings are JSON text, like dialog state: opaque here, and no `$`- or dot-named key can reach a document.
 */
export interface BotSettingsDoc {
  _id: string;
  botId: string;
  version: number;
  settings: string;
  savedAt: Date;
  savedBy: string;
}
const botSettingsSchema = new Schema<BotSettingsDoc>(
  { _id: { type: String }, botId: { type: String }, version: { type: Number }, settings: { type: String }, savedAt: { type: Date }, savedBy: { type: String } },
  schemaOptions,
);
botSettingsSchema.index({ botId: 1, version: -1 });

/**
 * Reports' tallies (mongo-reports.ts), as JSON text (report-days.ts). A chunk is what one store
 * counted for one bot and day between two of its writes: inserted once under an id of its own and
 * never changed, so no two writers ever update one document (FerretDB runs an update as a read and
 * a write, and concurrent `$inc`s of one document lose counts there). The store's sweep folds the
 * chunks into one document per bot and month, which is what a year's report reads.
 */
export interface ReportChunkDoc {
  _id: string;
  botId: string;
  day: string;
  tally: string;
}

/** A bot's month: `days` is the JSON of `{ "YYYY-MM-DD": <day tally> }`; `folded`, the chunks the last fold took in. */
export interface ReportMonthDoc {
  _id: string;
  botId: string;
  month: string;
  days: string;
  folded: string[];
}

const reportChunkSchema = new Schema<ReportChunkDoc>(
  { _id: { type: String }, botId: { type: String }, day: { type: String }, tally: { type: String } },
  schemaOptions,
);
reportChunkSchema.index({ botId: 1, day: 1 });

const reportMonthSchema = new Schema<ReportMonthDoc>(
  { _id: { type: String }, botId: { type: String }, month: { type: String }, days: { type: String }, folded: { type: [String], default: [] } },
  schemaOptions,
);

/** Live collections and their archive twins (same shapes, same indexes). */
export function defineModels(conn: Connection) {
  return {
    conversations: conn.model<ConversationDoc>('Conversation', conversationSchema, 'conversations'),
    messages: conn.model<MessageDoc>('Message', messageSchema, 'messages'),
    values: conn.model<ValueDoc>('CollectedValue', valueSchema, 'collected_values'),
    archivedConversations: conn.model<ConversationDoc>('ArchivedConversation', archivedConversationSchema, 'archived_conversations'),
    archivedMessages: conn.model<MessageDoc>('ArchivedMessage', messageSchema, 'archived_messages'),
    archivedValues: conn.model<ValueDoc>('ArchivedCollectedValue', valueSchema, 'archived_collected_values'),
    leases: conn.model<LeaseDoc>('Lease', leaseSchema, 'leases'),
    botSettings: conn.model<BotSettingsDoc>('BotSettings', botSettingsSchema, 'bot_settings'),
    reportChunks: conn.model<ReportChunkDoc>('ReportChunk', reportChunkSchema, 'report_chunks'),
    reportMonths: conn.model<ReportMonthDoc>('ReportMonth', reportMonthSchema, 'report_months'),
    ...defineHandoverModels(conn),
    ...defineConsoleModels(conn),
    ...defineWebhookModels(conn),
  };
}

export type Models = ReturnType<typeof defineModels>;

// The operator console (mongo-console.ts). Tokens are kept only as SHA-256 hashes (the _id of a
// session or one-time token); nothing here relies on transactions, TTL or partial indexes.

export interface UserDoc extends Omit<ConsoleUser, 'id'> {
  _id: string;
  /**
   * What makes a linked OpenID subject unique: `oidc:<subject>`, or `none:<_id>` while unlinked.
   * A plain unique index over it stands in for a partial index on oidcSubject (FerretDB has none,
   * and a unique index over oidcSubject itself would allow only one unlinked user).
   */
  oidcKey: string;
}

export interface ConsoleSessionDoc extends Omit<ConsoleSession, 'idHash'> {
  /** SHA-256 (base64url) of the session token. */
  _id: string;
}

export interface OneTimeTokenDoc extends Omit<Parameters<ConsoleStore['createOneTimeToken']>[0], 'tokenHash'> {
  /** SHA-256 (base64url) of the token. */
  _id: string;
}

/**
 * One use of a second factor: `totp|<user>|<step>` for each step a TOTP sign-in spends (from its
 * code's step to the end of the window it was accepted in) or `recovery|<user>|<hash>`. The unique
 * _id is what lets exactly one of several racing logins use a code or a window (mongo-console.ts).
 */
export interface SecondFactorUseDoc {
  _id: string;
  userId: string;
  /** The TOTP step, for clearing a user's older markers; null for a recovery code. */
  step: number | null;
}

/**
 * The claim on a user's first single sign-on link, `_id` the user's id: of first logins racing with
 * different subjects, the one whose insert gets in links its subject (mongo-console.ts). Removed
 * when the user's subject is cleared, so the user can be linked afresh.
 */
export interface SsoLinkDoc {
  _id: string;
  subject: string;
}

/** An audit entry; details as canonical JSON text, so no `$`- or dot-named key reaches a document. */
export interface AuditDoc extends Omit<AuditEntry, 'details'> {
  details: string;
}

const nullableString = { type: String, default: null };

const userSchema = new Schema<UserDoc>(
  {
    _id: { type: String },
    email: { type: String },
    displayName: { type: String, default: '' },
    role: { type: String, enum: CONSOLE_ROLES },
    bots: { type: [String], default: [] },
    passwordHash: nullableString,
    totpSecret: nullableString,
    recoveryCodes: { type: [String], default: [] },
    oidcSubject: nullableString,
    oidcKey: { type: String },
    disabled: { type: Boolean, default: false },
    sessionVersion: { type: Number },
    failedLogins: { type: Number, default: 0 },
    lockedUntil: { type: Date, default: null },
    totpLastStep: { type: Number, default: null },
    pendingTotpSecret: nullableString,
    pendingTotpExpiresAt: { type: Date, default: null },
    revealGranted: { type: Boolean, default: false },
    createdAt: { type: Date },
    updatedAt: { type: Date },
  },
  schemaOptions,
);
userSchema.index({ email: 1 }, { unique: true });
userSchema.index({ oidcKey: 1 }, { unique: true });
userSchema.index({ role: 1, disabled: 1 });

const consoleSessionSchema = new Schema<ConsoleSessionDoc>(
  {
    _id: { type: String },
    userId: { type: String },
    sessionVersion: { type: Number },
    csrfToken: { type: String },
    createdAt: { type: Date },
    lastSeenAt: { type: Date },
    expiresAt: { type: Date },
  },
  schemaOptions,
);
consoleSessionSchema.index({ userId: 1 });
consoleSessionSchema.index({ expiresAt: 1 });

const oneTimeTokenSchema = new Schema<OneTimeTokenDoc>(
  {
    _id: { type: String },
    userId: { type: String },
    purpose: { type: String, enum: ['set-password', 'reset-password', 'sso-second-factor'] },
    expiresAt: { type: Date },
  },
  schemaOptions,
);
oneTimeTokenSchema.index({ expiresAt: 1 });

const secondFactorUseSchema = new Schema<SecondFactorUseDoc>(
  {
    _id: { type: String },
    userId: { type: String },
    step: { type: Number, default: null },
  },
  schemaOptions,
);
secondFactorUseSchema.index({ userId: 1, step: 1 });

const ssoLinkSchema = new Schema<SsoLinkDoc>({ _id: { type: String }, subject: { type: String } }, schemaOptions);

/** The one console settings document, `_id: 'console'`. */
export interface ConsoleSettingsDoc {
  _id: string;
  requireTotp: boolean;
  updatedAt: Date;
}

const consoleSettingsSchema = new Schema<ConsoleSettingsDoc>(
  {
    _id: { type: String },
    requireTotp: { type: Boolean, default: false },
    updatedAt: { type: Date },
  },
  schemaOptions,
);

const auditSchema = new Schema<AuditDoc>(
  {
    seq: { type: Number },
    at: { type: Date },
    actor: nullableString,
    action: { type: String },
    target: nullableString,
    outcome: { type: String, enum: ['ok', 'denied', 'failed'] },
    ip: nullableString,
    details: { type: String, default: '{}' },
    prevHash: { type: String },
    hash: { type: String },
  },
  schemaOptions,
);
// The arbiter of appendAudit: one entry per seq, so two appends can never both extend the same entry.
auditSchema.index({ seq: 1 }, { unique: true });
auditSchema.index({ actor: 1, seq: 1 });
auditSchema.index({ action: 1, seq: 1 });
auditSchema.index({ at: 1 });

function defineConsoleModels(conn: Connection) {
  return {
    users: conn.model<UserDoc>('ConsoleUser', userSchema, 'users'),
    consoleSessions: conn.model<ConsoleSessionDoc>('ConsoleSession', consoleSessionSchema, 'console_sessions'),
    oneTimeTokens: conn.model<OneTimeTokenDoc>('OneTimeToken', oneTimeTokenSchema, 'one_time_tokens'),
    auditLog: conn.model<AuditDoc>('AuditEntry', auditSchema, 'audit_log'),
    consoleSettings: conn.model<ConsoleSettingsDoc>('ConsoleSettings', consoleSettingsSchema, 'console_settings'),
    secondFactorUses: conn.model<SecondFactorUseDoc>('SecondFactorUse', secondFactorUseSchema, 'second_factor_uses'),
    ssoLinks: conn.model<SsoLinkDoc>('SsoLink', ssoLinkSchema, 'sso_links'),
  };
}
