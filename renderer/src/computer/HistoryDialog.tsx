import { useCallback } from 'react';
import type { IpcErrorInfo } from '../../../shared/ipc/result.js';
import { isPermissionProblem } from '../format.js';
import {
  PasswordHistoryDialog,
  type PasswordHistoryEntry,
} from '../password/PasswordHistoryDialog.js';
import { useConsole } from '../store/index.js';
import type { LapsTarget } from '../store/computer-slice.js';
import type { OnPermissionProblem } from './PasswordSection.js';

/**
 * The LAPS tab's History view: a computer's old passwords (or a DC's old DSRM passwords),
 * decrypted on its explicit action into the store and dropped again when it closes
 * (closePasswordHistory).
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
  const history = useConsole((state) => state.passwordHistory);
  const close = useConsole((state) => state.closePasswordHistory);
  const copyPassword = useConsole((state) => state.copyPassword);
  const target = history?.target ?? 'password';

  const copy = useCallback(
    (entry: PasswordHistoryEntry) => copyPassword({ target, historyEntry: entry.updated }),
    [copyPassword, target],
  );
  const onCopyFailed = useCallback(
    (failure: IpcErrorInfo) => {
      if (!isPermissionProblem(failure)) return false;
      onPermissionProblem(failure, decryptor(target));
      return true;
    },
    [onPermissionProblem, decryptor, target],
  );

  return (
    <PasswordHistoryDialog
      status={history?.status ?? null}
      what={target === 'dsrm' ? 'DSRM password history' : 'Password history'}
      computer={computer}
      loadingLabel="Decrypting the old passwords: asking the key service…"
      failedTitle="The history could not be decrypted"
      error={history?.error && !isPermissionProblem(history.error) ? history.error : null}
      entries={history?.entries ?? []}
      copy={copy}
      onCopyFailed={onCopyFailed}
      onClose={close}
    />
  );
}
