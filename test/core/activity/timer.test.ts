/** When the activity timer ran, from its timer events. */
import { describe, expect, it } from 'vitest';
import { ActivityTimer } from '../../../src/core/activity/summaries/timer.js';

const START = 0;
const STOP = 1;
const STOP_ALL = 4;
const MARKER = 3;

describe('ActivityTimer', () => {
  it('no timer event: it ran from the first to the last moment', () => {
    const t = new ActivityTimer([], 100, 160);
    expect(t.spans).toEqual([[100, 160]]);
    expect(t.within(90, 200)).toBe(60);
    expect(t.runningAtEnd).toBe(false);
  });

  it('pauses between stop and start are left out, in any event order', () => {
    const events = [
      { t: 160, eventType: STOP_ALL },
      { t: 100, eventType: START },
      { t: 130, eventType: STOP },
      { t: 140, eventType: START },
      { t: 135, eventType: MARKER },
    ];
    const t = new ActivityTimer(events, 100, 170);
    expect(t.spans).toEqual([
      [100, 130],
      [140, 160],
    ]);
    expect(t.within(100, 170)).toBe(50);
    expect(t.within(120, 150)).toBe(20);
    expect(t.runningAtEnd).toBe(false);
  });

  it('a start without a stop runs to the end, and says so', () => {
    const t = new ActivityTimer(
      [
        { t: 10, eventType: START },
        { t: 12, eventType: START },
      ],
      0,
      50,
    );
    expect(t.spans).toEqual([[10, 50]]);
    expect(t.runningAtEnd).toBe(true);
  });

  it('a first event that stops the timer: it was running from the start', () => {
    const t = new ActivityTimer([{ t: 30, eventType: STOP_ALL }], 0, 50);
    expect(t.spans).toEqual([[0, 30]]);
    expect(t.runningAtEnd).toBe(false);
  });
});
