import type { ClipboardPort } from './ports.js';

interface Placement {
  readonly text: string;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * Puts a password on the clipboard and takes it off again after a while, but only if the
 * clipboard still holds it: what the user copied since is left alone.
 */
export class ClipboardGuard {
  private readonly placements = new Set<Placement>();

  constructor(private readonly clipboard: ClipboardPort) {}

  /** Writes the text; returns when it will be cleared. */
  async place(text: string, clearAfterMs: number, now: Date = new Date()): Promise<Date> {
    await this.clipboard.writeText(text);
    const placement: Placement = {
      text,
      timer: setTimeout(() => {
        this.placements.delete(placement);
        void this.clearIfStillHolds(text);
      }, clearAfterMs),
    };
    // A pending clear must not keep a Node process (the test host) alive on its own.
    placement.timer.unref();
    this.placements.add(placement);
    return new Date(now.getTime() + clearAfterMs);
  }

  /** Writes text that is no secret (a sign-in code): nothing to clear later. */
  async write(text: string): Promise<void> {
    await this.clipboard.writeText(text);
  }

  /** Clears now whatever of ours is still there (on quit). */
  async flush(): Promise<void> {
    const pending = [...this.placements];
    this.placements.clear();
    for (const placement of pending) {
      clearTimeout(placement.timer);
      await this.clearIfStillHolds(placement.text);
    }
  }

  private async clearIfStillHolds(text: string): Promise<void> {
    try {
      if ((await this.clipboard.readText()) === text) await this.clipboard.writeText('');
    } catch {
      // The clipboard is busy or gone (the app is quitting): nothing more can be done.
    }
  }
}
