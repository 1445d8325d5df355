// Bots' data-protection settings as the console saves them, in force on every instance without a
// restart. The store keeps each save as a numbered version (1, 2, 3…; 0 is the definition file's);
// each instance puts the newest one in force in its bot engine:
//   - the instance that saves it, at once (so the next request it serves has it);
//   - every other instance, on its next refresh: `refresh()` runs every REFRESH_MS and reads each
//     bot's newest version, so a change is in force everywhere within about a second.
// A version is only ever replaced by a higher one, whichever arrives first. Everything that reads
// a bot's policy, origins or business hours reads the engine's profile, so nothing else changes.
import type { Logger } from 'pino';
import type { BotDataSettings, BotSettingsView } from '../../common/data-protection-wire.ts';
import type { BotEngine } from '../bot/engine.ts';
import { savedSettingsRefused } from '../bot/settings.ts';
import type { Store } from '../store/store.ts';
import { startPeriodicJob, type PeriodicJob } from '../periodic-job.ts';

/** How often an instance looks for settings another instance saved. */
export const REFRESH_MS = 1000;

interface InForce {
  version: number;
  savedAt: Date | null;
  savedBy: string | null;
}

export type SaveResult = { saved: true; version: number; before: BotDataSettings; after: BotDataSettings; view: BotSettingsView } | { saved: false };

export interface BotSettings {
  /** Puts every bot's newest saved settings in force. At start, a saved version the file now refuses throws (BotSettingsError). */
  refresh(): Promise<void>;
  /** The settings in force for a loaded bot, with their version. */
  view(botId: string): BotSettingsView | undefined;
  /**
   * Saves `input` (checked by the engine: a BotSettingsError names the field refused) as the version
   * after `version`, and puts it in force here. `saved: false` when someone saved since `version`.
   */
  save(botId: string, version: number, input: unknown, by: string, now: Date): Promise<SaveResult>;
  /** Refreshes every REFRESH_MS until stopped. */
  start(): PeriodicJob<void>;
}

export function createBotSettings(deps: { engine: BotEngine; store: Pick<Store, 'botSettings' | 'saveBotSettings'>; logger: Logger }): BotSettings {
  const { engine, store } = deps;
  const inForce = new Map<string, InForce>(engine.profiles().map((p) => [p.id, { version: 0, savedAt: null, savedBy: null }]));

  /** Puts `settings` of `version` in force unless a later version already is. */
  const apply = (botId: string, settings: BotDataSettings, version: InForce): void => {
    if ((inForce.get(botId)?.version ?? 0) >= version.version) return;
    engine.applySettings(botId, settings);
    inForce.set(botId, version);
  };

  const refreshBot = async (botId: string): Promise<void> => {
    const saved = await store.botSettings(botId);
    if (!saved || saved.version <= (inForce.get(botId)?.version ?? 0)) return;
    let settings: BotDataSettings;
    try {
      settings = engine.checkSettings(botId, saved.settings);
    } catch (err) {
      throw savedSettingsRefused(botId, saved.version, err);
    }
    apply(botId, settings, { version: saved.version, savedAt: saved.savedAt, savedBy: saved.savedBy });
  };

  const view = (botId: string): BotSettingsView | undefined => {
    const profile = engine.profile(botId);
    const settings = engine.settings(botId);
    const version = inForce.get(botId);
    if (!profile || !settings || !version) return undefined;
    return {
      bot: botId,
      name: profile.name,
      handover: profile.handover !== undefined,
      version: version.version,
      savedAt: version.savedAt?.toISOString() ?? null,
      savedBy: version.savedBy,
      settings,
    };
  };

  const refresh = async (): Promise<void> => {
    for (const botId of inForce.keys()) await refreshBot(botId);
  };

  return {
    refresh,
    view,
    async save(botId, version, input, by, now) {
      // Another instance may have saved since this one last looked: compare with the newest.
      await refreshBot(botId);
      if (inForce.get(botId)?.version !== version) return { saved: false };
      const settings = engine.checkSettings(botId, input);
      const before = engine.settings(botId)!;
      const next = version + 1;
      if (!(await store.saveBotSettings({ botId, version: next, settings: { ...settings }, savedAt: now, savedBy: by }))) return { saved: false };
      apply(botId, settings, { version: next, savedAt: now, savedBy: by });
      return { saved: true, version: next, before, after: settings, view: view(botId)! };
    },
    start() {
      // A bot whose saved settings cannot be put in force keeps what it has, and says so.
      const refreshLogged = async (): Promise<void> => {
        for (const botId of inForce.keys()) {
          await refreshBot(botId).catch((err: unknown) => deps.logger.error({ err, bot: botId }, 'bot settings not applied'));
        }
      };
      return startPeriodicJob(refreshLogged, REFRESH_MS, () => undefined);
    },
  };
}
