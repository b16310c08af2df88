import { Body1, Field, makeStyles, tokens } from '@fluentui/react-components';
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import type { EntraCredentialView } from '../../../shared/ipc/contract.js';
import type { IpcErrorInfo, Result } from '../../../shared/ipc/result.js';
import { PASSWORD_LABEL } from '../computer/PasswordDisplay.js';
import { formatLapsTime, showBidiControls } from '../format.js';
import {
  PasswordHistoryDialog,
  type PasswordHistoryEntry,
} from '../password/PasswordHistoryDialog.js';
import {
  PasswordPanel,
  type CopiedSecret,
  type RevealedSecret,
} from '../password/PasswordPanel.js';
import { useConsole } from '../store/index.js';
import type { EntraDevice } from '../store/entra-slice.js';
import { GraphWaitNote } from './GraphWaitNote.js';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  value: { fontWeight: tokens.fontWeightSemibold },
  muted: { color: tokens.colorNeutralForeground3 },
});

interface History {
  readonly status: 'loading' | 'ready' | 'failed';
  readonly entries: readonly PasswordHistoryEntry[];
  readonly error: IpcErrorInfo | null;
}

const CONSENT_NOTE =
  'Asking Microsoft Graph… If your browser opens, consent there to reading LAPS passwords.';

/**
 * A device's Windows LAPS backup in Entra ID, in the same password panel as the LAPS tab:
 * entra.reveal and entra.copy (the first may ask for DeviceLocalCredential.Read.All in the
 * browser), and the History view. The password and the history live in this component's state
 * only, so they go when it unmounts (the device panel closes).
 */
export function EntraPasswordSection({
  device,
  label = PASSWORD_LABEL,
  hasShortcuts,
  actions,
  onHistoryOpenChange,
}: {
  device: EntraDevice;
  /** The password field's name: another where an AD password is beside it. */
  label?: string;
  hasShortcuts: boolean;
  /** More buttons in the panel's row (Rotate…). */
  actions?: ReactNode;
  /** So the owner can hand Escape and its own shortcuts to the History view while it is open. */
  onHistoryOpenChange?: ((isOpen: boolean) => void) | undefined;
}) {
  const styles = useStyles();
  const revealPassword = useConsole((state) => state.revealEntraPassword);
  const copyPassword = useConsole((state) => state.copyEntraPassword);
  const readHistory = useConsole((state) => state.readEntraHistory);
  const [account, setAccount] = useState<string | null>(null);
  const [history, setHistory] = useState<History | null>(null);
  const { deviceId } = device;
  const hasBackup = device.lastBackupDateTime !== null;

  const reveal = useCallback(async (): Promise<Result<RevealedSecret>> => {
    const result = await revealPassword(deviceId);
    return result.ok
      ? { ok: true, value: { password: result.value.password, account: result.value.account } }
      : result;
  }, [revealPassword, deviceId]);

  const copy = useCallback(async (): Promise<Result<CopiedSecret>> => {
    const result = await copyPassword(deviceId);
    return result.ok
      ? {
          ok: true,
          value: {
            from: `Entra ID (backed up ${formatLapsTime(result.value.backupDateTime)})`,
            clearsAt: result.value.clearsAt,
          },
        }
      : result;
  }, [copyPassword, deviceId]);

  const setHistoryOpen = useCallback(
    (next: History | null) => {
      setHistory(next);
      onHistoryOpenChange?.(next !== null);
    },
    [onHistoryOpenChange],
  );

  const historyButton = useMemo(
    () => ({
      label: 'History',
      isDisabled: !hasBackup,
      open: () => {
        setHistoryOpen({ status: 'loading', entries: [], error: null });
        void readHistory(deviceId).then((result) =>
          // Closed meanwhile: the answer is dropped with it.
          setHistory((current) =>
            current === null
              ? null
              : result.ok
                ? { status: 'ready', entries: result.value.entries.map(asEntry), error: null }
                : { status: 'failed', entries: [], error: result.error },
          ),
        );
      },
    }),
    [hasBackup, readHistory, deviceId, setHistoryOpen],
  );

  const copyOld = useCallback(
    (entry: PasswordHistoryEntry) => copyPassword(deviceId, entry.updated),
    [copyPassword, deviceId],
  );

  return (
    <div className={styles.section}>
      <Field label="Local admin account">
        {account === null ? (
          <Body1 className={styles.muted}>Named in the backup: shown with the password</Body1>
        ) : (
          <Body1 className={styles.value}>{account}</Body1>
        )}
      </Field>
      <PasswordPanel
        label={label}
        canAsk={hasBackup}
        hasShortcuts={hasShortcuts && history === null}
        reveal={reveal}
        copy={copy}
        busyLabel={CONSENT_NOTE}
        busyDetail={<GraphWaitNote />}
        history={historyButton}
        actions={actions}
        onRevealed={(secret) => setAccount(secret.account)}
        notice={!hasBackup && <Body1>No password backed up: this device has no LAPS backup.</Body1>}
      />
      <Field label="Backed up">
        <Body1 className={styles.value}>{formatLapsTime(device.lastBackupDateTime)}</Body1>
      </Field>
      <PasswordHistoryDialog
        status={history?.status ?? null}
        what="Password history"
        computer={showBidiControls(device.deviceName)}
        loadingLabel={CONSENT_NOTE}
        loadingDetail={<GraphWaitNote />}
        failedTitle="The history could not be read"
        error={history?.error ?? null}
        entries={history?.entries ?? []}
        copy={copyOld}
        onClose={() => setHistoryOpen(null)}
      />
    </div>
  );
}

function asEntry(credential: EntraCredentialView): PasswordHistoryEntry {
  return {
    updated: credential.backupDateTime,
    account: credential.account,
    password: credential.password,
  };
}
