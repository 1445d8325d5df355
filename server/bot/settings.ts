// A bot's data-protection settings (common/data-protection-wire.ts): the fields of its definition
// that the console may change besides the file (bots/*.json stays the seed). Settings are checked
// the way the file is: each field by the definition's own field schema, then the whole definition
// with the settings put in by botDefinitionSchema, so a rule that spans fields (a bot with handover
// keeps 24 hours of history) holds whichever way a value arrives.
import { z } from 'zod';
import type { BotDataSettings } from '../../common/data-protection-wire.ts';
import { allowedOrigins, botDefinitionSchema, policyFields, type BotDefinition } from './definition.ts';
import { businessHours } from './handover-definition.ts';
import { BotDefinitionError, formatPath } from './errors.ts';

/** A refused setting: `message` starts with the field it is about (`messageTtl: expected …`). */
export class BotSettingsError extends Error {
  override name = 'BotSettingsError';
}

const settingsSchema = z.strictObject({
  storeConversations: policyFields.storeConversations,
  messageTtl: policyFields.messageTtl,
  valueTtl: policyFields.valueTtl,
  inactiveAfter: policyFields.inactiveAfter,
  archive: policyFields.archive,
  archiveTtl: policyFields.archiveTtl,
  allowedOrigins,
  businessHours: businessHours.optional(),
});

/** Fields that may be null: not set, as when the file leaves them out. */
const UNSET_WHEN_NULL = new Set(['messageTtl', 'valueTtl', 'businessHours']);

/** The settings a definition holds. */
export function settingsOf(def: BotDefinition): BotDataSettings {
  const { policy } = def;
  return {
    storeConversations: policy.storeConversations,
    messageTtl: policy.messageTtl ?? null,
    valueTtl: policy.valueTtl ?? null,
    inactiveAfter: policy.inactiveAfter,
    archive: policy.archive,
    archiveTtl: policy.archiveTtl,
    allowedOrigins: [...def.allowedOrigins],
    // As JSON: no undefined weekday keys, no shared arrays.
    businessHours: def.handover?.businessHours ? (JSON.parse(JSON.stringify(def.handover.businessHours)) as BotDataSettings['businessHours']) : null,
  };
}

/** A settings path as the console names it: `policy.messageTtl` is `messageTtl`, `handover.businessHours.x` is `businessHours.x`. */
function settingsPath(path: readonly PropertyKey[]): readonly PropertyKey[] {
  if (path[0] === 'policy') return path.slice(1);
  if (path[0] === 'handover' && path[1] === 'businessHours') return path.slice(1);
  return path;
}

function refusal(issue: z.core.$ZodIssue | undefined): BotSettingsError {
  const path = formatPath(settingsPath(issue?.path ?? []));
  return new BotSettingsError(`${path === '(root)' ? 'settings' : path}: ${issue?.message ?? 'invalid'}`);
}

/**
 * `seed` (the bot's definition file) with `input` as its data-protection settings, checked by the
 * file's schema; throws BotSettingsError naming the first field refused.
 */
export function withSettings(seed: BotDefinition, input: unknown): BotDefinition {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new BotSettingsError('settings: expected an object');
  const given = Object.fromEntries(Object.entries(input).filter(([key, value]) => !(value === null && UNSET_WHEN_NULL.has(key))));
  const parsed = settingsSchema.safeParse(given);
  if (!parsed.success) throw refusal(parsed.error.issues[0]);
  const { allowedOrigins: origins, businessHours: hours, storeConversations, messageTtl, valueTtl, inactiveAfter, archive, archiveTtl } = parsed.data;
  if (hours !== undefined && !seed.handover) {
    throw new BotSettingsError('businessHours: only a bot that hands over to humans (a "handover" block in its definition) has business hours');
  }
  const merged = {
    ...seed,
    // Every setting named, so one left unset replaces the file's value instead of keeping it.
    policy: { ...seed.policy, storeConversations, messageTtl, valueTtl, inactiveAfter, archive, archiveTtl },
    allowedOrigins: origins,
    ...(seed.handover ? { handover: { ...seed.handover, businessHours: hours } } : {}),
  };
  const whole = botDefinitionSchema.safeParse(merged);
  if (!whole.success) throw refusal(whole.error.issues[0]);
  return whole.data;
}

/**
 * A version saved in the console that the bot's definition file (changed since) refuses: the
 * server and the CLI stop with this one line rather than apply the file's values instead.
 */
export function savedSettingsRefused(botId: string, version: number, err: unknown): BotDefinitionError {
  const why = err instanceof Error ? err.message : String(err);
  return new BotDefinitionError(`bot "${botId}": the settings saved in the console (version ${version}) do not fit its definition file: ${why}`);
}
