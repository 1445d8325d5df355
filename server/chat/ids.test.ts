import { describe, expect, it } from 'vitest';
import { CONVERSATION_ID_PATTERN } from '../../common/ids.ts';
import { newId } from './ids.ts';

describe('conversation ids', () => {
  it('are 22 base64url characters (the shape common/ids.ts promises) and do not repeat', () => {
    const ids = Array.from({ length: 1000 }, () => newId());
    for (const id of ids) expect(id).toMatch(CONVERSATION_ID_PATTERN);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
