// Operator commands: `npm run parley -- <command>`.
//   delete-conversation <id>   delete one conversation, its messages and collected values
//                              (live and archived), as a visitor's deletion request would
//   sweep                      apply every bot's retention policy now
//   audit-verify               check the audit log's hash chain from the first entry to the last
//   create-admin <email>       create the first console administrator; prints a one-time link
//                              (24 h, single use) to set the password
//   rotate-storage-key         wrap every data key with the first STORAGE_KEYS key (resumable)
//   backup <file>              SQLite: a consistent copy of the data (and its archive), no key in it
//   restore <file>             SQLite: bring a backup back into a DATA_DIR without a store
//   backup-verify <file|uri>   does a backup (or a database restored from mongodump) open with the
//                              current keys: conversations readable, erased, damaged
// Exit codes: 0 done, 1 nothing to do, a broken audit log or the store failed, 2 usage or
// configuration error.
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig } from './config/index.ts';
import path from 'node:path';
import { openKeyring, openStore, sqliteFileIn } from './store/index.ts';
import { rotateStorageKey } from './store/sealing/rotation.ts';
import { BackupError, backupSqlite, restoreSqlite, withBackupCopy } from './store/sealing/sqlite-backup.ts';
import { sqliteRows } from './store/sealing/sqlite-rows.ts';
import { mongoRows } from './store/sealing/mongo-rows.ts';
import { sealClearRows } from './store/sealing/migration.ts';
import { verifySealedRows, type VerifyReport } from './store/sealing/verify.ts';
import type { SealableRows } from './store/sealing/rows.ts';
// The definition loader only, not the engine: a sweep needs policies, not trained classifiers.
import { loadBotDefinitions } from './bot/load-definitions.ts';
import { botPolicyOf } from './bot/definition.ts';
import { savedSettingsRefused, withSettings } from './bot/settings.ts';
import type { BotDefinition } from './bot/definition.ts';
import { BotDefinitionError } from './bot/errors.ts';
import { retentionPolicyOf, startRetentionSweeper } from './security/retention.ts';
import { verifyAuditLog } from './audit/verify-log.ts';
import type { RetentionPolicy, Store } from './store/store.ts';
import { createAdministrator } from './accounts/first-admin.ts';

interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = [
  'usage: npm run parley -- <command>',
  '  delete-conversation <id>   delete a conversation with its messages and collected values',
  '  sweep                      apply every bot\'s retention policy now',
  '  audit-verify               check the audit log\'s hash chain; names the first broken entry',
  '  create-admin <email>       create a console administrator; prints a one-time link to set the password',
  '  rotate-storage-key         wrap every data key with the first STORAGE_KEYS key; resumable',
  '  backup <file>              SQLite: write a consistent copy of the data (and <file>-archive) without key material',
  '  restore <file>             SQLite: bring a backup back into a DATA_DIR that has no store yet',
  '  backup-verify <file|uri>   check that a backup (or a database restored from mongodump) opens with the current keys',
].join('\n');

class UsageError extends Error {}

function conversationIdArg(value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError('delete-conversation needs a conversation id');
  const printable = [...value].every((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f);
  if (!printable || value.length > 200) throw new UsageError('conversation id must be at most 200 printable characters');
  return value;
}

function pathArg(command: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError(`${command} needs a file`);
  const printable = [...value].every((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f);
  if (!printable || value.length > 4096) throw new UsageError(`${command}: the file name must be printable characters`);
  return value;
}

async function withStore<T>(env: NodeJS.ProcessEnv, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(loadConfig(env));
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

async function deleteConversation(id: string, env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const deleted = await withStore(env, (store) => store.deleteConversation(id));
  if (!deleted) {
    io.err(`no conversation ${JSON.stringify(id)}: nothing deleted`);
    return 1;
  }
  io.out(`deleted conversation ${JSON.stringify(id)} with its messages and collected values`);
  return 0;
}

/** Each bot's retention as the server applies it: its definition file with the settings saved in the console put in. */
async function policiesFromBots(definitions: Map<string, BotDefinition>, store: Store): Promise<RetentionPolicy[]> {
  const policies: RetentionPolicy[] = [];
  for (const [botId, def] of definitions) {
    const saved = await store.botSettings(botId);
    let inForce = def;
    try {
      if (saved) inForce = withSettings(def, saved.settings);
    } catch (err) {
      throw savedSettingsRefused(botId, saved!.version, err);
    }
    policies.push(retentionPolicyOf(botId, botPolicyOf(inForce)));
  }
  return policies;
}

async function sweep(env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const config = loadConfig(env);
  const definitions = loadBotDefinitions(config.botsDir); // a bad file stops before the store is opened
  let policies: RetentionPolicy[] = [];
  const results = await withStore(env, async (store) => {
    policies = await policiesFromBots(definitions, store);
    const sweeper = startRetentionSweeper({ store, policies: () => policies, intervalMs: 3_600_000 });
    try {
      return await sweeper.runOnce();
    } finally {
      await sweeper.stop();
    }
  });
  results.forEach((r, i) => {
    const botId = policies[i]?.botId ?? '?';
    io.out(
      `${botId}: deleted ${r.messagesDeleted} message(s), ${r.valuesDeleted} collected value(s), ` +
        `${r.conversationsDeleted} conversation(s); archived ${r.conversationsArchived} conversation(s); ` +
        `deleted ${r.archivedConversationsDeleted} archived conversation(s)`,
    );
  });
  io.out(`swept ${results.length} bot(s)`);
  return 0;
}

async function auditVerify(env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const check = await withStore(env, (store) => verifyAuditLog(store));
  if (!check.intact) {
    io.err(`audit log broken at entry ${check.brokenAt}: it does not follow from the entry before it (altered, removed or reordered)`);
    return 1;
  }
  io.out(`audit log intact: ${check.entries} entries`);
  // Cutting entries off the end leaves a chain that still verifies: compare this with a copy kept elsewhere.
  if (check.last) io.out(`last entry: seq ${check.last.seq}, hash ${check.last.hash}`);
  return 0;
}

/** An address shape, not a full RFC 5322 parse: the link goes to whoever runs the command anyway. */
function emailArg(value: string | undefined): string {
  if (value === undefined || !/^[^\s@]{1,64}@[^\s@]{1,253}$/.test(value)) throw new UsageError('create-admin needs an e-mail address');
  return value.toLowerCase();
}

async function createAdmin(email: string, env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const config = loadConfig(env);
  // Without PUBLIC_URL the server answers at http://localhost:PORT, as `npm start` does.
  const publicUrl = config.publicUrl ?? `http://localhost:${config.port}`;
  const result = await withStore(env, (store) => createAdministrator(store, { email, publicUrl }));
  if (!result.created) {
    io.err(`a console user with the address ${email} exists already: nothing created`);
    return 1;
  }
  io.out(`administrator ${email} created. Open this link within 24 hours to choose the password (it works once):`);
  io.out(result.link.link);
  return 0;
}

async function rotateKey(env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const config = loadConfig(env);
  const keyring = await openKeyring(config);
  const first = config.storageKeys[0]!.kid;
  try {
    const rewrapped = await rotateStorageKey(keyring.keyStore, config.storageKeys, {
      progress: (n) => io.out(`rewrapped ${n} data key(s) with "${first}"`),
    });
    io.out(`every data key is wrapped with "${first}" (${rewrapped} rewrapped now); keys after it may leave STORAGE_KEYS`);
    return 0;
  } finally {
    await keyring.keyStore.close();
  }
}

const MONGODUMP_HINT = 'with MONGODB_URI, back up with mongodump --db <database> (docs/security.md, "Backups"); backup-verify checks a restored copy';

async function backup(file: string, env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const config = loadConfig(env);
  if (config.mongodbUri) throw new UsageError(MONGODUMP_HINT);
  // Opening the store seals any row from before sealing, so the copy holds none in the clear.
  await withStore(env, async () => undefined);
  const { files } = await backupSqlite(sqliteFileIn(config.dataDir), path.resolve(file));
  io.out(`backed up the store to ${files.join(' and ')}`);
  io.out(`no key is in them: restoring needs the key store (${'file' in config.keyStore ? config.keyStore.file : 'its database'}) and STORAGE_KEYS, kept apart`);
  return 0;
}

function reportLines(report: VerifyReport): string[] {
  const { readable, erased, damaged } = report.conversations;
  return [
    `${readable} conversation(s) readable, ${erased} erased (their keys are gone), ${damaged} damaged; ${report.rows} row(s) checked`,
    ...report.problems.map((p) => `damaged: ${p}`),
  ];
}

async function verifyWith(config: ReturnType<typeof loadConfig>, openRows: () => SealableRows | Promise<SealableRows>): Promise<VerifyReport> {
  const keyring = await openKeyring(config);
  try {
    const rows = await openRows();
    try {
      return await verifySealedRows(rows, keyring);
    } finally {
      await rows.close();
    }
  } finally {
    await keyring.keyStore.close();
  }
}

async function restore(file: string, env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const config = loadConfig(env);
  if (config.mongodbUri) throw new UsageError(MONGODUMP_HINT.replace('back up with mongodump', 'restore with mongorestore'));
  const live = sqliteFileIn(config.dataDir);
  await restoreSqlite(path.resolve(file), live);
  const rows = sqliteRows(live);
  const keyring = await openKeyring(config);
  let report: VerifyReport;
  try {
    // A backup from before sealing: its rows are sealed now, as they would be at start.
    await sealClearRows(rows, keyring, { evenIfDone: true });
    report = await verifySealedRows(rows, keyring);
  } finally {
    await rows.close();
    await keyring.keyStore.close();
  }
  io.out(`restored ${path.resolve(file)} into ${config.dataDir}`);
  for (const line of reportLines(report)) io.out(line);
  return 0;
}

async function backupVerify(target: string, env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const config = loadConfig(env);
  const report = /^mongodb(\+srv)?:\/\//.test(target)
    ? await verifyWith(config, () => mongoRows(target))
    : await withBackupCopy(path.resolve(target), (copy) => verifyWith(config, () => sqliteRows(copy)));
  const lines = reportLines(report);
  io.out(`the backup opens with the current key store: ${lines[0]}`);
  for (const line of lines.slice(1)) io.err(line);
  return report.conversations.damaged > 0 ? 1 : 0;
}

export async function runCli(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'delete-conversation':
        if (rest.length > 1) throw new UsageError('delete-conversation takes exactly one id');
        return await deleteConversation(conversationIdArg(rest[0]), env, io);
      case 'sweep':
        if (rest.length > 0) throw new UsageError('sweep takes no arguments');
        return await sweep(env, io);
      case 'audit-verify':
        if (rest.length > 0) throw new UsageError('audit-verify takes no arguments');
        return await auditVerify(env, io);
      case 'create-admin':
        if (rest.length !== 1) throw new UsageError('create-admin takes exactly one e-mail address');
        return await createAdmin(emailArg(rest[0]), env, io);
      case 'rotate-storage-key':
        if (rest.length > 0) throw new UsageError('rotate-storage-key takes no arguments');
        return await rotateKey(env, io);
      case 'backup':
        if (rest.length !== 1) throw new UsageError('backup takes exactly one file');
        return await backup(pathArg('backup', rest[0]), env, io);
      case 'restore':
        if (rest.length !== 1) throw new UsageError('restore takes exactly one file');
        return await restore(pathArg('restore', rest[0]), env, io);
      case 'backup-verify':
        if (rest.length !== 1) throw new UsageError('backup-verify takes exactly one file or MongoDB URI');
        return await backupVerify(pathArg('backup-verify', rest[0]), env, io);
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return 0;
      default:
        throw new UsageError(command === undefined ? 'no command given' : `unknown command ${JSON.stringify(command)}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n${USAGE}`);
      return 2;
    }
    if (error instanceof ConfigError || error instanceof BotDefinitionError || error instanceof BackupError) {
      io.err(error.message);
      return 2;
    }
    // The store failed (locked file, unreachable MongoDB…): one line, no stack, exit 1.
    const message = error instanceof AggregateError ? error.errors.map(String).join('; ') : String(error instanceof Error ? error.message : error);
    io.err(`failed: ${message}`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  const code = await runCli(process.argv.slice(2), process.env, {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
  process.exitCode = code;
}
