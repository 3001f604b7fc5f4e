// The stop signals of `recc train` (src/cli/stop-signals.ts), in-process: the first asks the loop to
// stop (train.test.ts runs that end to end), the second exits at once with the shell's status for
// the signal, and releasing removes the handlers. Two signals sent to a process back to back may
// arrive as one, so the second is emitted here rather than sent.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { catchStopSignals, signalStatus } from '../../src/cli/stop-signals.js';

afterEach(() => vi.restoreAllMocks());

describe('stop signals', () => {
  it('the first asks for a stop, the second exits with 128 + its number; released, neither is caught', () => {
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    const interrupt: { signal?: string } = {};
    const lines: string[] = [];
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const release = catchStopSignals(interrupt, (l) => lines.push(l));
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual([before[0]! + 1, before[1]! + 1]);
    process.emit('SIGTERM', 'SIGTERM');
    expect(interrupt.signal).toBe('SIGTERM');
    expect(lines).toEqual(['SIGTERM: stopping after this step to write a checkpoint (send it again to stop at once)']);
    expect(exit).not.toHaveBeenCalled();
    process.emit('SIGINT', 'SIGINT');
    expect(exit).toHaveBeenCalledWith(130);
    release();
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before);
    // POSIX numbers: SIGINT 2, SIGTERM 15
    expect([signalStatus('SIGINT'), signalStatus('SIGTERM')]).toEqual([130, 143]);
  });
});
