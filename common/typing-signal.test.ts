// The typing signal on a controllable clock: what a person typing in bursts makes the client send.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TYPING_IDLE_MS, TYPING_REFRESH_MS, TYPING_SHOWN_MS, typingSignal } from './typing-signal.ts';

describe('typing signal', () => {
  let sent: boolean[];
  let signal: ReturnType<typeof typingSignal>;
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    signal = typingSignal((typing) => sent.push(typing));
  });
  afterEach(() => vi.useRealTimers());

  /** One keystroke every `gapMs` for `count` keystrokes. */
  const type = (count: number, gapMs: number): void => {
    for (let i = 0; i < count; i++) {
      signal.input(true);
      vi.advanceTimersByTime(gapMs);
    }
  };

  it('sends true once when typing starts, and false once after a pause', () => {
    type(10, 150); // 1.5 s of steady typing
    expect(sent).toEqual([true]);
    vi.advanceTimersByTime(TYPING_IDLE_MS);
    expect(sent).toEqual([true, false]);
    vi.advanceTimersByTime(60_000);
    expect(sent).toEqual([true, false]);
  });

  it('refreshes true while typing goes on, often enough for the receiver never to drop it', () => {
    type(200, 100); // 20 s without a pause
    expect(sent.every((t) => t)).toBe(true);
    expect(sent.length).toBe(Math.ceil(20_000 / TYPING_REFRESH_MS));
    expect(TYPING_REFRESH_MS).toBeLessThan(TYPING_SHOWN_MS);
  });

  it('an emptied text box says false at once; a second empty edit says nothing', () => {
    type(3, 100);
    signal.input(false);
    signal.input(false);
    expect(sent).toEqual([true, false]);
    vi.advanceTimersByTime(TYPING_IDLE_MS * 2);
    expect(sent).toEqual([true, false]);
  });

  it('reset forgets without sending, and the next keystroke starts over with true', () => {
    type(3, 100);
    signal.reset();
    vi.advanceTimersByTime(TYPING_IDLE_MS * 2);
    expect(sent).toEqual([true]);
    signal.input(true);
    expect(sent).toEqual([true, true]);
  });

  it('costs at most one request per pause, however fast the keys', () => {
    for (let burst = 0; burst < 10; burst++) {
      type(50, 10);
      vi.advanceTimersByTime(TYPING_IDLE_MS);
    }
    expect(sent).toEqual(Array.from({ length: 10 }, () => [true, false]).flat());
  });
});
