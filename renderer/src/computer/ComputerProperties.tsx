import {
  Badge,
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Spinner,
  Tab,
  TabList,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useState } from 'react';
import type { IpcErrorInfo } from '../../../shared/ipc/result.js';
import { ErrorBar } from '../errors/ErrorBar.js';
import { useConsole } from '../store/index.js';
import { LapsTab } from './LapsTab.js';
import { PermissionDialog } from './PermissionDialog.js';

const useStyles = makeStyles({
  surface: { width: '760px', maxWidth: 'calc(100vw - 48px)' },
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  dn: { color: tokens.colorNeutralForeground3, overflowWrap: 'anywhere' },
  title: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
});

/**
 * A computer's properties, as ADUC opens them from a search result: one LAPS tab. Escape or
 * Cancel closes; the revealed password is in LapsTab's state and goes with it.
 */
export function ComputerProperties() {
  const openComputer = useConsole((state) => state.openComputer);
  const close = useConsole((state) => state.closeComputerProperties);
  return (
    <Dialog open={openComputer !== null} onOpenChange={(_event, data) => !data.open && close()}>
      {openComputer ? <PropertiesSurface name={openComputer.name} dn={openComputer.dn} /> : <></>}
    </Dialog>
  );
}

function PropertiesSurface({ name, dn }: { name: string; dn: string }) {
  const styles = useStyles();
  const status = useConsole((state) => state.computerStatus);
  const error = useConsole((state) => state.computerError);
  const details = useConsole((state) => state.computerDetails);
  const isDisabled = useConsole((state) => state.computerDetails?.computer.isDisabled ?? false);
  const close = useConsole((state) => state.closeComputerProperties);
  const isHistoryOpen = useConsole((state) => state.passwordHistory !== null);
  const closeHistory = useConsole((state) => state.closePasswordHistory);
  const [denied, setDenied] = useState<{
    error: IpcErrorInfo;
    decryptor: string | null;
  } | null>(null);
  const onPermissionProblem = useCallback(
    (failure: IpcErrorInfo, decryptor: string | null) => setDenied({ error: failure, decryptor }),
    [],
  );

  // The dialog closes on Escape only while focus is inside it; a button that was disabled
  // under the focus leaves it on <body>, and Escape must still close the properties.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || event.target !== document.body)
        return;
      // The History view is on top: Escape closes it alone.
      if (isHistoryOpen) closeHistory();
      else close();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [close, closeHistory, isHistoryOpen]);

  // Shown above the tab's fields, whether or not the read has answered yet.
  const header = (
    <>
      <Caption1 className={styles.dn}>{dn}</Caption1>
      <TabList selectedValue="laps" size="small">
        <Tab value="laps">LAPS</Tab>
      </TabList>
      {status === 'loading' && <Spinner size="small" label="Reading the LAPS attributes…" />}
      {error && <ErrorBar title={`Cannot read ${name}`} error={error} />}
    </>
  );

  return (
    <DialogSurface className={styles.surface} aria-label={`${name} Properties`}>
      <DialogBody>
        <DialogTitle>
          <span className={styles.title}>
            {name} Properties
            {isDisabled && (
              <Badge appearance="tint" color="warning">
                Disabled account
              </Badge>
            )}
          </span>
        </DialogTitle>
        {details ? (
          <LapsTab details={details} onPermissionProblem={onPermissionProblem}>
            {header}
          </LapsTab>
        ) : (
          <>
            <DialogContent className={styles.content}>{header}</DialogContent>
            <DialogActions>
              <Button onClick={close}>Close</Button>
            </DialogActions>
          </>
        )}
      </DialogBody>
      <PermissionDialog
        error={denied?.error ?? (error?.code === 'access-denied' ? error : null)}
        decryptor={denied?.decryptor ?? null}
        computer={name}
        onClose={() => {
          setDenied(null);
          if (error?.code === 'access-denied') close();
        }}
      />
    </DialogSurface>
  );
}
