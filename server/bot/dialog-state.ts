// The dialog state the engine hands the server and gets back next turn. It comes back from
// storage, so it is parsed like any other input; anything malformed starts a fresh dialog.
// Form values never live here: they leave in `collected` the turn they are given.
import { z } from 'zod';

const dialogStateSchema = z.object({
  /** The intent answered last, so its follow-ups can match. */
  context: z.string().max(64).optional(),
  /** Fallbacks in a row since the last understood turn. */
  fallbacks: z.number().int().min(0).max(100).default(0),
  /** The active form, the slot being asked and how many invalid answers it had. */
  form: z
    .object({ id: z.string().max(64), slot: z.number().int().min(0).max(100), tries: z.number().int().min(0).max(100) })
    .optional(),
  handover: z.boolean().optional(),
  /** This turn offered a human after repeated fallbacks: accepting it next turn is a handover from the fallback. */
  offeredHuman: z.boolean().optional(),
});

export type DialogState = z.output<typeof dialogStateSchema>;

export function readDialogState(raw: unknown): DialogState {
  const parsed = dialogStateSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : { fallbacks: 0 };
}

/** A plain JSON object without undefined members, as the store expects. */
export function writeDialogState(state: DialogState): Record<string, unknown> {
  return JSON.parse(JSON.stringify(state)) as Record<string, unknown>;
}
