// How `npm start` tells whether dist/ is a build of the sources beside it (scripts/build-state.mjs):
// a fingerprint of the inputs' paths and contents, recorded by the build, compared at start.
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildState, inputsFingerprint, STAMP, writeStamp } from '../../scripts/build-state.mjs';

let root: string;
const write = (file: string, text: string) => {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
};
const built = () => {
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeStamp(root, inputsFingerprint(root));
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'parley-build-state-'));
  write('server/main.ts', 'export const a = 1;\n');
  write('common/wire.ts', 'export const b = 2;\n');
  write('widget/frame/styles.css', 'body {}\n');
  write('console/main.tsx', 'export {};\n');
  write('package-lock.json', '{}\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('build state', () => {
  it('is missing before any build, fresh right after one', () => {
    expect(buildState(root)).toBe('missing');
    built();
    expect(buildState(root)).toBe('fresh');
  });

  it('is stale when a source changes, and fresh again when the change is undone', () => {
    built();
    write('common/wire.ts', 'export const b = 3;\n');
    expect(buildState(root)).toBe('stale');
    write('common/wire.ts', 'export const b = 2;\n');
    expect(buildState(root)).toBe('fresh');
  });

  it('is stale when a source is added or removed, or the lock file changes', () => {
    built();
    write('server/new.ts', '');
    expect(buildState(root)).toBe('stale');
    unlinkSync(join(root, 'server/new.ts'));
    expect(buildState(root)).toBe('fresh');
    unlinkSync(join(root, 'console/main.tsx'));
    expect(buildState(root)).toBe('stale');
    write('console/main.tsx', 'export {};\n');
    write('package-lock.json', '{"lockfileVersion": 3}\n');
    expect(buildState(root)).toBe('stale');
  });

  it('is stale when a file moves to another folder, content unchanged', () => {
    built();
    unlinkSync(join(root, 'server/main.ts'));
    write('common/main.ts', 'export const a = 1;\n');
    expect(buildState(root)).toBe('stale');
  });

  it('ignores modification times and test files', () => {
    built();
    utimesSync(join(root, 'server/main.ts'), new Date(), new Date(Date.now() + 86_400_000));
    write('server/main.test.ts', 'it("x", () => {});\n');
    expect(buildState(root)).toBe('fresh');
  });

  it('is missing when dist/ has no stamp (a build stopped half-way), stale when the stamp does not parse', () => {
    built();
    writeFileSync(join(root, STAMP), '{"inputs": ');
    expect(buildState(root)).toBe('stale');
    unlinkSync(join(root, STAMP));
    expect(buildState(root)).toBe('missing');
  });

  it('is prebuilt where dist/ came without its sources', () => {
    built();
    for (const dir of ['server', 'common', 'widget', 'console']) rmSync(join(root, dir), { recursive: true });
    expect(buildState(root)).toBe('prebuilt');
  });
});
