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
import { useEffect, useState } from 'react';
import type { ChannelOutput } from '../../../shared/ipc/contract.js';
import type { IpcErrorInfo } from '../../../shared/ipc/result.js';
import { ErrorBar } from '../errors/ErrorBar.js';
import { formatLapsTime, isPermissionProblem } from '../format.js';
import { useConsole } from '../store/index.js';
import type { HistoryEntry, LapsTarget } from '../store/computer-slice.js';
import { MaskedPassword, RevealedPassword } from './PasswordDisplay.js';
import type { OnPermissionProblem } from './PasswordSection.js';

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

/**
 * The History view: a computer's old passwords (or a DC's old DSRM passwords), newest first, each
 * masked with its own Show and Copy. The list is in the store only while this view is open
 * (closePasswordHistory drops it); a row's Copy goes through main, which owns the clipboard.
 */
export function HistoryDialog({
  computer,
  decryptor,
  onPermissionProblem,
}: {
  computer: string;
  /** The authorized decryptor of the history's target, for the permission dialog. */
  decryptor: (target: LapsTarget) => string | null;
  onPermissionProblem: OnPermissionProblem;
}) {
  const styles = useStyles();
  const history = useConsole((state) => state.passwordHistory);
  const close = useConsole((state) => state.closePasswordHistory);
  const [copied, setCopied] = useState<ChannelOutput<'computer.copy'> | null>(null);
  const [copyError, setCopyError] = useState<IpcErrorInfo | null>(null);
  const what = history?.target === 'dsrm' ? 'DSRM password history' : 'Password history';

  const isOpen = history !== null;
  // However it closed (Close, Escape, the properties going), its notes go with the list.
  useEffect(() => {
    if (isOpen) return;
    setCopied(null);
    setCopyError(null);
  }, [isOpen]);

  const onCopyFailed = (target: LapsTarget, failure: IpcErrorInfo) => {
    if (isPermissionProblem(failure)) onPermissionProblem(failure, decryptor(target));
    else setCopyError(failure);
  };

  return (
    <Dialog open={isOpen} onOpenChange={(_event, data) => !data.open && close()}>
      <DialogSurface className={styles.surface} aria-label={`${what} of ${computer}`}>
        <DialogBody>
          <DialogTitle>
            {what} — {computer}
          </DialogTitle>
          <DialogContent className={styles.content}>
            {history?.status === 'loading' && (
              <Spinner size="small" label="Decrypting the old passwords: asking the key service…" />
            )}
            {history?.error && !isPermissionProblem(history.error) && (
              <ErrorBar title="The history could not be decrypted" error={history.error} />
            )}
            {history?.status === 'ready' && history.entries.length === 0 && (
              <Body1>No old passwords are kept.</Body1>
            )}
            {history?.status === 'ready' && history.entries.length > 0 && (
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
                  {history.entries.map((entry, index) => (
                    <HistoryRow
                      key={entry.updated}
                      entry={entry}
                      isFirst={index === 0}
                      target={history.target}
                      onCopied={(reply) => {
                        setCopyError(null);
                        setCopied(reply);
                      }}
                      onCopyFailed={(failure) => onCopyFailed(history.target, failure)}
                    />
                  ))}
                </TableBody>
              </Table>
            )}
            {copied && (
              <Caption1 role="status">
                Copied. The clipboard is cleared at {new Date(copied.clearsAt).toLocaleTimeString()}{' '}
                if it still holds this password.
              </Caption1>
            )}
            {copyError && <ErrorBar title="The password could not be copied" error={copyError} />}
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" onClick={close}>
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
  target,
  onCopied,
  onCopyFailed,
}: {
  entry: HistoryEntry;
  /** Keyboard first: the newest row's Show takes the focus once the list has arrived. */
  isFirst: boolean;
  target: LapsTarget;
  onCopied: (reply: ChannelOutput<'computer.copy'>) => void;
  onCopyFailed: (error: IpcErrorInfo) => void;
}) {
  const styles = useStyles();
  const copyPassword = useConsole((state) => state.copyPassword);
  const [isShown, setShown] = useState(false);
  const [isCopying, setCopying] = useState(false);
  const when = formatLapsTime(entry.updated);
  const label = `Password of ${when}`;

  const copy = async () => {
    // Not disabled while copying: a disabled button would drop the keyboard focus.
    if (isCopying) return;
    setCopying(true);
    const result = await copyPassword({ target, historyEntry: entry.updated });
    setCopying(false);
    if (result.ok) onCopied(result.value);
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
            onClick={() => void copy()}
            aria-label={`Copy the password of ${when}`}
          >
            Copy
          </Button>
        </div>
      </TableCell>
    </TableRow>
  );
}
