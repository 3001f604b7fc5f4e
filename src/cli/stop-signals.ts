// Ctrl-C (SIGINT), or SIGTERM (a scheduler preempting the job), while `recc train` trains: the
// first asks the loop to stop before its next step, after a checkpoint (train/loop.ts, Interrupt);
// the second exits at once, which loses nothing written (every file is written whole beside its
// target, then renamed: io/atomic-write.ts). The exit status is the shell's for the signal.
import { constants } from 'node:os';
import type { Interrupt } from '../train/loop.js';

/** The signals that ask a command to stop. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** The exit status of a command a signal stopped: 128 + its number (130 for SIGINT, 143 for SIGTERM). */
export const signalStatus = (signal: string): number => 128 + (constants.signals[signal as NodeJS.Signals] ?? 0);

/** Catch the stop signals into `interrupt` until the returned function is called. */
export function catchStopSignals(interrupt: Interrupt, log: (line: string) => void): () => void {
  const on = (signal: NodeJS.Signals) => {
    if (interrupt.signal) process.exit(signalStatus(signal));
    interrupt.signal = signal;
    log(`${signal}: stopping after this step to write a checkpoint (send it again to stop at once)`);
  };
  for (const s of STOP_SIGNALS) process.on(s, on);
  return () => {
    for (const s of STOP_SIGNALS) process.off(s, on);
  };
}
