// The main window's size and position, remembered between runs in window-state.json.
import { isPlainRecord, readJsonFile, writeJsonFileAtomic } from '../core/console/json-file.js';

export interface Rectangle {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface WindowState {
  readonly bounds: Rectangle;
  readonly isMaximized: boolean;
}

export const DEFAULT_SIZE = { width: 1100, height: 720 } as const;
export const MIN_SIZE = { width: 640, height: 480 } as const;
// At least this much of the title bar must be on a screen, or the window is centred instead.
const MIN_VISIBLE = { width: 120, height: 40 } as const;

/** Where to open the window: the saved bounds if they still land on a display, else centred. */
export function initialBounds(
  saved: WindowState | undefined,
  workAreas: readonly Rectangle[],
): { x?: number; y?: number; width: number; height: number } {
  if (!saved) return { ...DEFAULT_SIZE };
  const largest = workAreas.reduce(
    (best, area) => (area.width * area.height > best.width * best.height ? area : best),
    { x: 0, y: 0, ...DEFAULT_SIZE },
  );
  const width = clamp(saved.bounds.width, MIN_SIZE.width, Math.max(MIN_SIZE.width, largest.width));
  const height = clamp(
    saved.bounds.height,
    MIN_SIZE.height,
    Math.max(MIN_SIZE.height, largest.height),
  );
  const titleBar = { x: saved.bounds.x, y: saved.bounds.y, width, height: MIN_VISIBLE.height };
  const isVisible = workAreas.some(
    (area) =>
      overlap(titleBar.x, titleBar.width, area.x, area.width) >= MIN_VISIBLE.width &&
      overlap(titleBar.y, titleBar.height, area.y, area.height) >= MIN_VISIBLE.height,
  );
  return isVisible ? { x: saved.bounds.x, y: saved.bounds.y, width, height } : { width, height };
}

export function parseWindowState(raw: unknown): WindowState | undefined {
  if (!isPlainRecord(raw) || !isPlainRecord(raw.bounds)) return undefined;
  const { x, y, width, height } = raw.bounds;
  const numbers = [x, y, width, height];
  if (!numbers.every((n) => typeof n === 'number' && Number.isFinite(n) && Math.abs(n) < 100_000))
    return undefined;
  return {
    bounds: { x: x as number, y: y as number, width: width as number, height: height as number },
    isMaximized: raw.isMaximized === true,
  };
}

export async function loadWindowState(path: string): Promise<WindowState | undefined> {
  try {
    return parseWindowState(await readJsonFile(path));
  } catch {
    return undefined;
  }
}

export async function saveWindowState(path: string, state: WindowState): Promise<void> {
  await writeJsonFileAtomic(path, state);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(Math.round(value), min), max);
}

function overlap(start: number, length: number, otherStart: number, otherLength: number): number {
  return Math.max(
    0,
    Math.min(start + length, otherStart + otherLength) - Math.max(start, otherStart),
  );
}
