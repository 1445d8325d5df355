// Whether a human could take a handover now (TurnContext.staffing), as the server sees it: the
// bot's business hours first (closed is closed, whoever is online), then whether anyone who may
// work this bot's handovers has said they are available (the console's presence heartbeat,
// PUT /api/v1/console/presence, kept in the store so every instance sees the same people).
import type { BotProfile, Staffing } from '../bot/engine.ts';
import type { ConsoleUser } from '../store/console-store.ts';
import { isOpen } from '../bot/business-hours.ts';
import { can } from '../accounts/roles.ts';
import type { ChatDeps } from './deps.ts';

/** Console users available at `now` who may work `botId`'s handovers (roles.ts decides, as for every route). */
export async function operatorsOnline(deps: Pick<ChatDeps, 'store'>, botId: string, now: Date): Promise<ConsoleUser[]> {
  const ids = await deps.store.availableOperators(now);
  const users = await Promise.all(ids.map((id) => deps.store.getUser(id)));
  return users.filter((user): user is ConsoleUser => user !== null && can(user, 'handover.work', botId));
}

/** Undefined for a bot without handover settings: the engine then words a handover as it always has. */
export async function staffingFor(deps: Pick<ChatDeps, 'store'>, profile: BotProfile, now: Date): Promise<Staffing | undefined> {
  const settings = profile.handover;
  if (!settings) return undefined;
  if (settings.businessHours && !isOpen(settings.businessHours, now)) return 'closed';
  return (await operatorsOnline(deps, profile.id, now)).length > 0 ? 'open' : 'no-operator';
}
