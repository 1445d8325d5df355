// Rule: "deletion on request … the same by conversation id from the command line for an operator",
// and the `sweep` command. Runs the real CLI as a child process against a real store, each kind.
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config/index.ts';
import { openStore } from '../../server/store/index.ts';
import { forEachStore } from '../helpers/stores.ts';
import { runCli } from '../../server/cli.ts';
import { demoBotsDir } from '../helpers/demo-bot.ts';
import { parleyProcess as parley, tempDirs } from '../helpers/parley-cli.ts';

const tempDir = tempDirs('parley-cli-');

/** The store the CLI opens with this environment, as the server would. */
function storeOf(env: Record<string, string>) {
  return openStore(loadConfig(env));
}

async function seed(env: Record<string, string>, botId: string, ids: string[], when: Date): Promise<void> {
  const store = await storeOf(env);
  for (const id of ids) {
    await store.createConversation({ id, botId, visitorId: `v-${id}`, origin: 'https://shop.example', now: when });
    await store.appendMessage({ conversationId: id, clientId: 'c1', sender: 'visitor', text: 'my card is 4111 1111 1111 1111', now: when });
    await store.appendMessage({ conversationId: id, clientId: null, sender: 'bot', text: 'noted', now: when });
    await store.putValue(id, { key: 'email', value: 'ann@example.com', pii: 'contact', now: when });
  }
  await store.close();
}

// Each child process pays tsx start-up (seconds on a loaded 2-core machine), hence the timeout.
forEachStore((kind) => {
  describe('operator CLI', { timeout: 90_000 }, () => {
    it('delete on request (CLI): delete-conversation removes the conversation, its messages and values, and nothing else', async () => {
      const env = { ...kind.env(), DATA_DIR: tempDir() };
      await seed(env, 'demo', ['conv-gone', 'conv-kept'], new Date());

      const first = parley(['delete-conversation', 'conv-gone'], env);
      expect(first.stderr).not.toMatch(/failed|Error/);
      expect(first.code).toBe(0);
      expect(first.stdout).toContain('deleted conversation "conv-gone"');

      const store = await storeOf(env);
      try {
        expect(await store.getConversation('conv-gone')).toBeNull();
        expect(await store.listMessages('conv-gone', 0, 100)).toEqual([]);
        expect(await store.listValues('conv-gone')).toEqual([]);
        expect(await store.listMessages('conv-kept', 0, 100)).toHaveLength(2);
        expect(await store.listValues('conv-kept')).toHaveLength(1);
      } finally {
        await store.close();
      }

      const again = parley(['delete-conversation', 'conv-gone'], env);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('no conversation "conv-gone"');
    });

    it('retention (CLI): sweep applies each bot definition\'s retention policy now', async () => {
      const env = { ...kind.env(), DATA_DIR: tempDir() };
      // Without live handover, which would need 24 hours of history kept.
      const botsDir = demoBotsDir((demo) => {
        delete demo.handover;
        demo.policy = { ...demo.policy, messageTtl: '1s', valueTtl: '1s' };
      }, 'brief');
      await seed(env, 'brief', ['old-1', 'old-2'], new Date(Date.now() - 10_000));

      const run = parley(['sweep'], { ...env, BOTS_DIR: botsDir });
      expect(run.stderr).not.toMatch(/failed/);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('brief: deleted 4 message(s), 2 collected value(s)');
      expect(run.stdout).toContain('swept 1 bot(s)');
      const store = await storeOf(env);
      try {
        expect(await store.listMessages('old-1', 0, 100)).toEqual([]);
        expect(await store.listValues('old-2')).toEqual([]);
      } finally {
        await store.close();
      }
    });
  });
});

describe('operator CLI', { timeout: 90_000 }, () => {
  it('delete on request (CLI): usage errors exit 2 with the usage text', async () => {
    const dataDir = tempDir();
    // One real process for the exit code and stream; the other cases in-process (tsx start-up is slow).
    const run = parley(['frobnicate'], { DATA_DIR: dataDir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage: npm run parley');
    for (const args of [[], ['delete-conversation'], ['delete-conversation', ''], ['delete-conversation', 'a', 'b'], ['delete-conversation', 'a\u001b[2Jb'], ['delete-conversation', 'x'.repeat(201)], ['sweep', 'extra']]) {
      const err: string[] = [];
      const code = await runCli(args, { DATA_DIR: dataDir }, { out: () => undefined, err: (l) => err.push(l) });
      expect(code, JSON.stringify(args)).toBe(2);
      expect(err.join('\n'), JSON.stringify(args)).toContain('usage: npm run parley');
    }
    const out: string[] = [];
    expect(await runCli(['--help'], {}, { out: (l) => out.push(l), err: () => undefined })).toBe(0);
    expect(out.join('\n')).toContain('delete-conversation <id>');
  });

  it('delete on request (CLI): a configuration error exits 2 with its message and no stack trace', () => {
    const run = parley(['delete-conversation', 'x'], { DATA_DIR: tempDir(), TOKEN_KEYS: 'not-a-key' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/TOKEN_KEYS/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('retention (CLI): an invalid bot definition exits 2 naming the problem', () => {
    const dataDir = tempDir();
    const botsDir = path.join(dataDir, 'bots');
    mkdirSync(botsDir);
    writeFileSync(path.join(botsDir, 'broken.json'), '{"name": 42}');
    const run = parley(['sweep'], { DATA_DIR: dataDir, BOTS_DIR: botsDir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('broken');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
