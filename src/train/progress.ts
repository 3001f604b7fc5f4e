// What a user sees while a stage trains: a progress bar (loss, samples/s, ETA) on a terminal, or
// a log line every few seconds when stderr is not one; and one summary line per epoch.
import cliProgress from 'cli-progress';
import { metricText, type Evaluation } from './evaluate.js';

export class Progress {
  private readonly bar: cliProgress.SingleBar | undefined;
  private lastLine = 0;

  constructor(
    useBar: boolean,
    private readonly log: (line: string) => void,
    /** Printed before `epoch` on bars and lines: the stage name when the plan has several. */
    private readonly prefix = '',
  ) {
    this.bar = useBar
      ? new cliProgress.SingleBar({ format: `${prefix}epoch {epoch} [{bar}] {percentage}% | loss {loss} | {speed} samples/s | ETA {eta_formatted}`, hideCursor: true }, cliProgress.Presets.shades_classic)
      : undefined;
  }

  startEpoch(epoch: number, batches: number, done: number): void {
    this.bar?.start(batches, done, { epoch: epoch + 1, loss: '-', speed: '-' });
    this.lastLine = Date.now();
  }

  step(epoch: number, batch: number, batches: number, loss: number, speed: number): void {
    this.bar?.update(batch, { loss: loss.toFixed(4), speed });
    if (!this.bar && Date.now() - this.lastLine > 5000) {
      this.log(`${this.prefix}epoch ${epoch + 1} batch ${batch}/${batches} loss ${loss.toFixed(4)} ${speed} samples/s`);
      this.lastLine = Date.now();
    }
  }

  stop(): void {
    this.bar?.stop();
  }
}

/** `click: auc 0.7012 gauc 0.6540; is_new=1 auc 0.6630 | like: …` */
export function epochSummary(e: Evaluation): string {
  const parts: string[] = [];
  for (const [task, groups] of Object.entries(e.tasks)) {
    const cells = Object.entries(groups).map(([g, r]) => {
      const ms = Object.entries(r).filter(([k]) => k !== 'n');
      return `${g === 'all' ? '' : `${g} `}${ms.map(([k, v]) => `${k} ${metricText(v)}`).join(' ')}`;
    });
    parts.push(`${task}: ${cells.join('; ')}`);
  }
  return parts.join(' | ');
}
