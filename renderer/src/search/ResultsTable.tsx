import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { ComputerHit } from '../../../shared/ipc/contract.js';
import { formatLapsTime, SOURCE_LABELS } from '../format.js';
import { isExpired } from '../computer/expiry.js';
import { RESULT_ROW_HEIGHT_PX, useResultTableStyles } from './result-table-styles.js';

const COLUMNS = '2fr 1.6fr 1.6fr 3fr';

const useStyles = makeStyles({
  columns: { gridTemplateColumns: COLUMNS },
  header: { borderRadius: `${tokens.borderRadiusMedium} ${tokens.borderRadiusMedium} 0 0` },
  scroller: { height: 'calc(100vh - 300px)', minHeight: '180px', overflowY: 'auto' },
  // Virtualized: each row is placed where the virtualizer says.
  row: { position: 'absolute', left: 0, right: 0 },
  expired: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
});

/**
 * The hits as an ARIA table, only the visible rows in the DOM (10,000 rows scroll smoothly).
 * Focus stays in the search box or on the table; the active row is aria-activedescendant, so
 * arrows work from either, as in a combobox.
 */
export function ResultsTable({
  hits,
  activeIndex,
  scrollRequest,
  onActiveIndexChange,
  onOpen,
  onKeyDown,
}: {
  hits: readonly ComputerHit[];
  activeIndex: number;
  /** Changes when the active row must be scrolled into view. */
  scrollRequest: number;
  onActiveIndexChange: (index: number) => void;
  onOpen: (hit: ComputerHit) => void;
  onKeyDown: (event: React.KeyboardEvent) => void;
}) {
  const table = useResultTableStyles();
  const styles = useStyles();
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: hits.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => RESULT_ROW_HEIGHT_PX,
    overscan: 12,
  });

  useEffect(() => {
    if (activeIndex >= 0) virtualizer.scrollToIndex(activeIndex, { align: 'auto' });
  }, [activeIndex, scrollRequest, virtualizer]);

  const now = new Date();
  return (
    <div
      className={table.table}
      id="computers-found"
      role="table"
      aria-label="Computers found"
      aria-rowcount={hits.length + 1}
      tabIndex={0}
      aria-activedescendant={activeIndex >= 0 ? rowId(activeIndex) : undefined}
      onKeyDown={onKeyDown}
    >
      <div role="rowgroup">
        <div
          className={mergeClasses(table.header, styles.columns, styles.header)}
          role="row"
          aria-rowindex={1}
        >
          <span className={table.cell} role="columnheader">
            Name
          </span>
          <span className={table.cell} role="columnheader">
            LAPS
          </span>
          <span className={table.cell} role="columnheader">
            Password expires
          </span>
          <span className={table.cell} role="columnheader">
            DNS name
          </span>
        </div>
      </div>
      <div className={styles.scroller} ref={scroller}>
        <div
          role="rowgroup"
          style={{ height: `${virtualizer.getTotalSize()}px`, position: 'relative' }}
        >
          {virtualizer.getVirtualItems().map((item) => {
            const hit = hits[item.index];
            if (!hit) return null;
            const isActive = item.index === activeIndex;
            const expired = isExpired(hit.expires, now);
            return (
              <div
                key={hit.dn}
                id={rowId(item.index)}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={isActive}
                className={mergeClasses(
                  table.row,
                  styles.columns,
                  styles.row,
                  isActive && table.active,
                )}
                style={{ transform: `translateY(${item.start}px)` }}
                onClick={() => onActiveIndexChange(item.index)}
                onDoubleClick={() => onOpen(hit)}
              >
                <span className={mergeClasses(table.cell, table.name)} role="cell">
                  {hit.computer}
                </span>
                <span className={mergeClasses(table.cell, !hit.source && table.muted)} role="cell">
                  {hit.source ? SOURCE_LABELS[hit.source] : 'None'}
                </span>
                <span className={mergeClasses(table.cell, expired && styles.expired)} role="cell">
                  {formatLapsTime(hit.expires)}
                  {expired ? ' (expired)' : ''}
                </span>
                <span className={mergeClasses(table.cell, table.muted)} role="cell">
                  {hit.dnsHostName ?? '—'}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

function rowId(index: number): string {
  return `computer-row-${index}`;
}
