// The one error the server treats as "this deployment is misconfigured": it prints the message as
// a single line and exits, so the message must name the file, the place in it and the problem.
export class BotDefinitionError extends Error {
  override name = 'BotDefinitionError';
}

/** Formats a zod-style path as `intents[3].replies.en`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}
