import {
  Body1,
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useState, type ReactNode } from 'react';
import type { IpcErrorInfo, Result } from '../../../shared/ipc/result.js';
import { MaskedPassword, RevealedPassword } from '../computer/PasswordDisplay.js';
import { ErrorBar } from '../errors/ErrorBar.js';
import { formatLapsTime } from '../format.js';

const useStyles = makeStyles({
  // Wide enough for a 30-character password on one line at the compact size (about 380px with
  // its padding) beside the other columns; a narrower window scrolls the password instead.
  surface: { width: '1020px', maxWidth: 'calc(100vw - 48px)' },
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  // The table lays out its columns at fixed widths: the password gets what the others leave.
  updated: { width: '190px' },
  account: { width: '140px' },
  actions: { width: '150px' },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS },
});

/** One old password as the History view lists it. */
export interface PasswordHistoryEntry {
  /** When it was set or backed up: an ISO instant, which also names the entry. */
  readonly updated: string;
  readonly account: string;
  readonly password: string;
}

export interface PasswordHistoryDialogProps {
  /** null: closed. */
  readonly status: 'loading' | 'ready' | 'failed' | null;
  /** "Password history", "DSRM password history". */
  readonly what: string;
  readonly computer: string;
  readonly loadingLabel: string;
  /** Under the spinner while the history loads. */
  readonly loadingDetail?: ReactNode;
  readonly failedTitle: string;
  /** A failure the owner explains elsewhere (a permission dialog) is not passed here. */
  readonly error: IpcErrorInfo | null;
  /** Newest first. */
  readonly entries: readonly PasswordHistoryEntry[];
  readonly copy: (entry: PasswordHistoryEntry) => Promise<Result<{ readonly clearsAt: string }>>;
  /** Takes a copy failure the owner explains itself; false: the dialog shows it. */
  readonly onCopyFailed?: ((error: IpcErrorInfo) => boolean) | undefined;
  readonly onClose: () => void;
}

/**
 * The History view of the LAPS tab and the Entra view: old passwords, newest first, each masked
 * with its own Show and Copy. The owner holds the list only while this view is open; a row's
 * Copy goes through main, which owns the clipboard.
 */
export function PasswordHistoryDialog({
  status,
  what,
  computer,
  loadingLabel,
  loadingDetail,
  failedTitle,
  error,
  entries,
  copy,
  onCopyFailed,
  onClose,
}: PasswordHistoryDialogProps) {
  const styles = useStyles();
  const [copiedClearsAt, setCopiedClearsAt] = useState<string | null>(null);
  const [copyError, setCopyError] = useState<IpcErrorInfo | null>(null);

  const isOpen = status !== null;
  // However it closed (Close, Escape, the properties going), its notes go with the list.
  useEffect(() => {
    if (isOpen) return;
    setCopiedClearsAt(null);
    setCopyError(null);
  }, [isOpen]);

  return (
    <Dialog open={isOpen} onOpenChange={(_event, data) => !data.open && onClose()}>
      <DialogSurface className={styles.surface} aria-label={`${what} of ${computer}`}>
        <DialogBody>
          <DialogTitle>
            {what} — {computer}
          </DialogTitle>
          <DialogContent className={styles.content}>
            {status === 'loading' && <Spinner size="small" label={loadingLabel} />}
            {status === 'loading' && loadingDetail}
            {error && <ErrorBar title={failedTitle} error={error} />}
            {status === 'ready' && entries.length === 0 && (
              <Body1>No old passwords are kept.</Body1>
            )}
            {status === 'ready' && entries.length > 0 && (
              <Table size="small" aria-label="Old passwords, newest first">
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell className={styles.updated}>Updated</TableHeaderCell>
                    <TableHeaderCell className={styles.account}>Account</TableHeaderCell>
                    <TableHeaderCell>Password</TableHeaderCell>
                    <TableHeaderCell className={styles.actions}>Actions</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {entries.map((entry, index) => (
                    <HistoryRow
                      key={entry.updated}
                      entry={entry}
                      isFirst={index === 0}
                      copy={copy}
                      onCopied={(clearsAt) => {
                        setCopyError(null);
                        setCopiedClearsAt(clearsAt);
                      }}
                      onCopyFailed={(failure) => {
                        if (!onCopyFailed?.(failure)) setCopyError(failure);
                      }}
                    />
                  ))}
                </TableBody>
              </Table>
            )}
            {copiedClearsAt && (
              <Caption1 role="status">
                Copied. The clipboard is cleared at {new Date(copiedClearsAt).toLocaleTimeString()}{' '}
                if it still holds this password.
              </Caption1>
            )}
            {copyError && <ErrorBar title="The password could not be copied" error={copyError} />}
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" onClick={onClose}>
              Close
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

function HistoryRow({
  entry,
  isFirst,
  copy,
  onCopied,
  onCopyFailed,
}: {
  entry: PasswordHistoryEntry;
  /** Keyboard first: the newest row's Show takes the focus once the list has arrived. */
  isFirst: boolean;
  copy: PasswordHistoryDialogProps['copy'];
  onCopied: (clearsAt: string) => void;
  onCopyFailed: (error: IpcErrorInfo) => void;
}) {
  const styles = useStyles();
  const [isShown, setShown] = useState(false);
  const [isCopying, setCopying] = useState(false);
  const when = formatLapsTime(entry.updated);
  const label = `Password of ${when}`;

  const copyRow = async () => {
    // Not disabled while copying: a disabled button would drop the keyboard focus.
    if (isCopying) return;
    setCopying(true);
    const result = await copy(entry);
    setCopying(false);
    if (result.ok) onCopied(result.value.clearsAt);
    else onCopyFailed(result.error);
  };

  return (
    <TableRow>
      <TableCell>{when}</TableCell>
      <TableCell>{entry.account}</TableCell>
      <TableCell>
        {isShown ? (
          <RevealedPassword password={entry.password} label={label} isCompact />
        ) : (
          <MaskedPassword label={label} isCompact />
        )}
      </TableCell>
      <TableCell>
        <div className={styles.buttons}>
          <Button
            size="small"
            onClick={() => setShown(!isShown)}
            autoFocus={isFirst}
            aria-label={`${isShown ? 'Hide' : 'Show'} the password of ${when}`}
          >
            {isShown ? 'Hide' : 'Show'}
          </Button>
          <Button
            size="small"
            onClick={() => void copyRow()}
            aria-label={`Copy the password of ${when}`}
          >
            Copy
          </Button>
        </div>
      </TableCell>
    </TableRow>
  );
}
