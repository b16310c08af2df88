import {
  Caption1,
  SearchBox,
  Spinner,
  Text,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ErrorBar } from '../errors/ErrorBar.js';
import { formatLapsTime, showBidiControls } from '../format.js';
import { useConsole } from '../store/index.js';
import type { EntraDevice } from '../store/entra-slice.js';
import { EntraDeviceDialog } from './EntraDeviceDialog.js';
import { RotationProgress } from './EntraRotation.js';
import { GraphWaitNote } from './GraphWaitNote.js';
import { resultRowMove, useSearchShortcut } from '../search/result-keys.js';
import { useResultTableStyles } from '../search/result-table-styles.js';

const COLUMNS = '2fr 1.4fr 2fr';

const useStyles = makeStyles({
  search: { maxWidth: '560px', width: '100%' },
  hint: { color: tokens.colorNeutralForeground3 },
  status: {
    minHeight: '24px',
    color: tokens.colorNeutralForeground3,
    // The spinner and, when Graph makes the search wait, why: on one line, from the left.
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalM,
  },
  // Not virtualized (a search lists a few hundred devices at most): the table scrolls itself.
  table: { maxHeight: 'calc(100vh - 330px)', overflowY: 'auto' },
  columns: { gridTemplateColumns: COLUMNS },
  header: { position: 'sticky', top: 0 },
  id: { fontFamily: tokens.fontFamilyMonospace, color: tokens.colorNeutralForeground3 },
});

/** Keyboard first, as the Computers search: / or Ctrl+F, type, arrows, Enter opens. */
export function EntraDeviceSearch() {
  const table = useResultTableStyles();
  const styles = useStyles();
  const text = useConsole((state) => state.entraSearchText);
  const setText = useConsole((state) => state.setEntraSearchText);
  const devices = useConsole((state) => state.entraDevices);
  const isTruncated = useConsole((state) => state.isEntraTruncated);
  const status = useConsole((state) => state.entraSearchStatus);
  const error = useConsole((state) => state.entraSearchError);
  const isDeviceOpen = useConsole((state) => state.entraDevice !== null);
  const openDevice = useConsole((state) => state.openEntraDevice);
  const isBehind = useConsole((state) => state.entraSearchedText !== state.entraSearchText);
  const searchNow = useConsole((state) => state.searchEntraNow);
  const searchBox = useRef<HTMLInputElement>(null);
  const [activeIndex, setActiveIndex] = useState(-1);

  useEffect(() => setActiveIndex(devices.length > 0 ? 0 : -1), [devices]);

  useEffect(() => {
    document.getElementById(rowId(activeIndex))?.scrollIntoView({ block: 'nearest' });
  }, [activeIndex]);

  // Ctrl+F or "/" (outside a text field) focuses the search box, unless a device is open.
  useSearchShortcut(searchBox, isDeviceOpen);

  const open = useCallback((device: EntraDevice) => void openDevice(device), [openDevice]);

  const onKeyDown = useCallback(
    (event: React.KeyboardEvent) => {
      // Enter typed before the results of the text came: open the best match of that text.
      if (event.key === 'Enter' && isBehind) {
        event.preventDefault();
        void searchNow().then(() => {
          const { entraDevices, entraSearchedText, entraSearchText } = useConsole.getState();
          const best = entraDevices[0];
          if (best && entraSearchedText === entraSearchText) open(best);
        });
        return;
      }
      const move = resultRowMove(event, activeIndex, devices.length);
      if (move !== undefined) {
        event.preventDefault();
        setActiveIndex(move);
      } else if (event.key === 'Enter') {
        const device = devices[activeIndex];
        if (device) {
          event.preventDefault();
          open(device);
        }
      }
    },
    [devices, activeIndex, open, isBehind, searchNow],
  );

  return (
    <>
      <SearchBox
        className={styles.search}
        input={{ ref: searchBox }}
        aria-label="Device name"
        aria-keyshortcuts="Control+F /"
        aria-controls="entra-devices-found"
        placeholder="Device name: the start of it"
        value={text}
        onChange={(_event, data) => setText(data.value)}
        onKeyDown={onKeyDown}
        autoFocus
      />
      <Caption1 className={styles.hint}>
        ↑ ↓ choose · Enter opens · Esc closes · Alt+S shows the password · Ctrl+Shift+C copies it ·
        Alt+H history
      </Caption1>
      <div className={styles.status} role="status" aria-live="polite">
        {status === 'searching' && (
          <>
            <Spinner size="extra-tiny" label="Searching Entra ID…" labelPosition="after" />
            <GraphWaitNote />
          </>
        )}
        {status === 'done' && (
          <Text>
            {devices.length === 0
              ? 'No device with a LAPS backup matches.'
              : `${devices.length.toLocaleString('en-US')} ${devices.length === 1 ? 'device' : 'devices'}${isTruncated ? ' (the first ones only: refine the search)' : ''}`}
          </Text>
        )}
      </div>
      {error && <ErrorBar title="The search failed" error={error} />}
      <RotationProgress />
      {devices.length > 0 && (
        <div
          className={mergeClasses(table.table, styles.table)}
          id="entra-devices-found"
          role="table"
          aria-label="Devices found"
          aria-rowcount={devices.length + 1}
          tabIndex={0}
          aria-activedescendant={activeIndex >= 0 ? rowId(activeIndex) : undefined}
          onKeyDown={onKeyDown}
        >
          <div role="rowgroup">
            <div className={mergeClasses(table.header, styles.columns, styles.header)} role="row">
              <span className={table.cell} role="columnheader">
                Name
              </span>
              <span className={table.cell} role="columnheader">
                Last backup
              </span>
              <span className={table.cell} role="columnheader">
                Device ID
              </span>
            </div>
          </div>
          <div role="rowgroup">
            {devices.map((device, index) => (
              <div
                key={device.deviceId}
                id={rowId(index)}
                role="row"
                aria-selected={index === activeIndex}
                className={mergeClasses(
                  table.row,
                  styles.columns,
                  index === activeIndex && table.active,
                )}
                onClick={() => setActiveIndex(index)}
                onDoubleClick={() => open(device)}
              >
                <span className={mergeClasses(table.cell, table.name)} role="cell">
                  {/* A name may carry a right-to-left override: shown, and isolated from the row. */}
                  <bdi>{showBidiControls(device.deviceName)}</bdi>
                </span>
                <span className={table.cell} role="cell">
                  {formatLapsTime(device.lastBackupDateTime)}
                </span>
                <span className={mergeClasses(table.cell, styles.id)} role="cell">
                  {device.deviceId}
                </span>
              </div>
            ))}
          </div>
        </div>
      )}
      <EntraDeviceDialog />
    </>
  );
}

function rowId(index: number): string {
  return `entra-device-row-${index}`;
}
