import { describe, expect, it } from 'vitest';
import { InFlightSlots } from '../../src/write/in-flight.js';

/** A task that finishes when its `finish` is called. */
function gate(): { task: () => Promise<void>; finish: () => void } {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  return { task: () => done, finish };
}

/** Lets pending promise callbacks run. */
const tick = () => new Promise<void>((r) => setImmediate(r));

describe('InFlightSlots', () => {
  it('lets a reader through only while fewer than `limit` batches are in flight', async () => {
    const slots = new InFlightSlots(2);
    const a = gate();
    const b = gate();
    await slots.waitForFreeSlot(() => false);
    slots.run(a.task);
    await slots.waitForFreeSlot(() => false);
    slots.run(b.task);
    expect(slots.count).toBe(2);
    let through = false;
    const waiting = slots.waitForFreeSlot(() => false).then(() => (through = true));
    await tick();
    expect(through).toBe(false);
    a.finish();
    await waiting;
    expect(through).toBe(true);
    expect(slots.count).toBe(1);
    b.finish();
    await slots.drained();
    expect(slots.count).toBe(0);
    expect(slots.busy).toBe(false);
  });

  it('a higher limit wakes a waiting reader at once; a lower one holds the next reader back', async () => {
    const slots = new InFlightSlots(1);
    const a = gate();
    slots.run(a.task);
    let through = false;
    const waiting = slots.waitForFreeSlot(() => false).then(() => (through = true));
    await tick();
    expect(through).toBe(false);
    slots.limit = 2;
    await waiting;
    expect(through).toBe(true);
    const b = gate();
    slots.run(b.task);
    slots.limit = 1; // two in flight, limit one: the next reader waits until both finished
    let second = false;
    const waiting2 = slots.waitForFreeSlot(() => false).then(() => (second = true));
    a.finish();
    await tick();
    expect(second).toBe(false);
    b.finish();
    await waiting2;
    expect(second).toBe(true);
  });

  it('wakeAll releases a waiting reader whose stop condition became true (cancellation)', async () => {
    const slots = new InFlightSlots(1);
    const a = gate();
    slots.run(a.task);
    let stop = false;
    let through = false;
    const waiting = slots.waitForFreeSlot(() => stop).then(() => (through = true));
    slots.wakeAll();
    await tick();
    expect(through).toBe(false); // woken, but the slot is still taken and stop is false: waits again
    stop = true;
    slots.wakeAll();
    await waiting;
    expect(through).toBe(true);
    expect(slots.count).toBe(1);
    a.finish();
    await slots.drained();
  });
});
