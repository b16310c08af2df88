// Keyboard-first results: the keys that move through a results table, and the shortcut to the
// search box. Shared by the Computers and the Entra ID searches.
import { useEffect, type KeyboardEvent, type RefObject } from 'react';

/** Rows PageUp and PageDown move through a results table. */
const PAGE_ROWS = 10;

/**
 * The row a key moves a results table's active row to: ↑ ↓ PgUp PgDn from the search box or the
 * table, Home and End on the table only (in the box they move the caret). undefined: no move.
 */
export function resultRowMove(
  event: KeyboardEvent,
  activeIndex: number,
  rowCount: number,
): number | undefined {
  if (rowCount === 0) return undefined;
  const last = rowCount - 1;
  const moves: Readonly<Record<string, number>> = {
    ArrowDown: Math.min(activeIndex + 1, last),
    ArrowUp: Math.max(activeIndex - 1, 0),
    PageDown: Math.min(activeIndex + PAGE_ROWS, last),
    PageUp: Math.max(activeIndex - PAGE_ROWS, 0),
    ...(event.currentTarget.getAttribute('role') === 'table' ? { Home: 0, End: last } : {}),
  };
  return moves[event.key];
}

/**
 * Ctrl+F anywhere, or "/" outside a text field, focuses and selects the search box, unless
 * `isPaused` (a dialog over the search has the keyboard).
 */
export function useSearchShortcut(
  searchBox: RefObject<HTMLInputElement | null>,
  isPaused: boolean,
): void {
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (isPaused) return;
      const target = event.target as HTMLElement | null;
      const isTyping =
        target instanceof HTMLInputElement ||
        target instanceof HTMLTextAreaElement ||
        target instanceof HTMLSelectElement;
      if (
        ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'f') ||
        (event.key === '/' && !isTyping)
      ) {
        event.preventDefault();
        searchBox.current?.focus();
        searchBox.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [searchBox, isPaused]);
}
