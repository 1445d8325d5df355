// Reads `<botsDir>/<id>.json`, validates each with the schema and turns every problem into one
// BotDefinitionError line: "bots/demo.json: intents[3].replies.en: expected at least 1 reply".
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join, relative, isAbsolute } from 'node:path';
import { botDefinitionSchema, type BotDefinition } from './definition.ts';
import { BotDefinitionError, formatPath } from './errors.ts';
import { BOT_ID_PATTERN } from '../../common/ids.ts';

/** How a file is named in messages: relative to the working directory when inside it. */
function displayName(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** zod says "expected string, received undefined" for a missing member; say it plainly. */
function plainMessage(issue: { code?: string; message: string } | undefined): string {
  if (!issue) return 'invalid';
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return `missing required field (${issue.message.replace(/^Invalid input: /, '').replace(/, received undefined$/, '')})`;
  }
  return issue.message;
}

/** Parses and validates one definition; `file` is only used for messages. */
export function parseBotDefinition(file: string, source: string): BotDefinition {
  const name = displayName(file);
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (err) {
    throw new BotDefinitionError(`${name}: invalid JSON: ${(err as Error).message.replace(/\s+/g, ' ')}`);
  }
  const result = botDefinitionSchema.safeParse(json);
  if (!result.success) {
    const [first, ...rest] = result.error.issues;
    const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
    throw new BotDefinitionError(`${name}: ${formatPath(first?.path ?? [])}: ${plainMessage(first)}${more}`);
  }
  return result.data;
}

export function loadBotDefinitions(botsDir: string): Map<string, BotDefinition> {
  let entries: string[];
  try {
    entries = readdirSync(botsDir).filter((f) => f.endsWith('.json')).sort();
  } catch (err) {
    throw new BotDefinitionError(`${displayName(botsDir)}: cannot read bot definitions: ${(err as Error).message}`);
  }
  if (entries.length === 0) throw new BotDefinitionError(`${displayName(botsDir)}: no bot definitions (<id>.json)`);
  const bots = new Map<string, BotDefinition>();
  for (const entry of entries) {
    const file = join(botsDir, entry);
    const id = basename(entry, '.json');
    if (!BOT_ID_PATTERN.test(id)) {
      throw new BotDefinitionError(`${displayName(file)}: the file name is the bot id and must match ${BOT_ID_PATTERN}`);
    }
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch (err) {
      throw new BotDefinitionError(`${displayName(file)}: cannot read: ${(err as Error).message}`);
    }
    bots.set(id, parseBotDefinition(file, source));
  }
  return bots;
}
