import {
  Body1,
  Field,
  MessageBar,
  MessageBarBody,
  Radio,
  RadioGroup,
} from '@fluentui/react-components';
import { useCallback, useMemo } from 'react';
import type { ChannelOutput } from '../../../shared/ipc/contract.js';
import type { IpcErrorInfo, Result } from '../../../shared/ipc/result.js';
import { formatDecryptor, isPermissionProblem, SOURCE_LABELS } from '../format.js';
import {
  PasswordPanel,
  type CopiedSecret,
  type RevealedSecret,
} from '../password/PasswordPanel.js';
import { useConsole } from '../store/index.js';
import type { ComputerDetails, LapsSource, LapsTarget } from '../store/computer-slice.js';
import { PASSWORD_LABEL } from './PasswordDisplay.js';

/** access-denied or not-authorized-to-decrypt, with the decryptor the UI knows of, if any. */
export type OnPermissionProblem = (error: IpcErrorInfo, decryptor: string | null) => void;

/**
 * "LAPS local admin account password" (or a DC's DSRM password) in the shared password panel:
 * computer.reveal and computer.copy for the flavour picked (main decrypts an encrypted one,
 * asking the key service first). The parent keys it by flavour, so another flavour starts masked.
 */
export function PasswordSection({
  details,
  source,
  target = 'password',
  label = PASSWORD_LABEL,
  hasShortcuts,
  onPermissionProblem,
  onAccount,
}: {
  details: ComputerDetails;
  /** The flavour (target 'password' only). */
  source: LapsSource | undefined;
  target?: LapsTarget;
  label?: string;
  /** Alt+S, Ctrl+Shift+C and Alt+H: for one section at a time, and not under another view. */
  hasShortcuts: boolean;
  onPermissionProblem: OnPermissionProblem;
  /** The account a reveal named: for an encrypted password, known only once decrypted. */
  onAccount?: (account: string | null) => void;
}) {
  const revealPassword = useConsole((state) => state.revealPassword);
  const copyPassword = useConsole((state) => state.copyPassword);
  const openPasswordHistory = useConsole((state) => state.openPasswordHistory);
  const closePasswordHistory = useConsole((state) => state.closePasswordHistory);

  const flavour = details.flavours.find((candidate) => candidate.source === source);
  const encryption = target === 'dsrm' ? details.dsrm : (flavour?.encryption ?? null);
  const decryptor = encryption ? formatDecryptor(encryption.decryptor) : null;
  const hasNoPassword =
    target === 'dsrm'
      ? details.dsrm === null
      : details.flavours.length === 0 && details.hiddenSources.length === 0;
  // The same request as for a clear-text one; main decrypts, asking the key service first.
  const choice = useMemo(
    () => (target === 'dsrm' ? { target } : source ? { source } : {}),
    [target, source],
  );

  const reveal = useCallback(async (): Promise<Result<RevealedSecret>> => {
    const result = await revealPassword(choice);
    return result.ok
      ? { ok: true, value: { password: result.value.password, account: result.value.account } }
      : result;
  }, [revealPassword, choice]);

  const copy = useCallback(async (): Promise<Result<CopiedSecret>> => {
    const result = await copyPassword(choice);
    return result.ok
      ? { ok: true, value: { from: copiedFrom(result.value), clearsAt: result.value.clearsAt } }
      : result;
  }, [copyPassword, choice]);

  const onFailure = useCallback(
    (failure: IpcErrorInfo) => {
      if (!isPermissionProblem(failure)) return false;
      onPermissionProblem(failure, decryptor);
      return true;
    },
    [onPermissionProblem, decryptor],
  );

  const history = useMemo(() => {
    if (!encryption) return undefined;
    const open = async () => {
      const failure = await openPasswordHistory(target);
      // The permission dialog says it all: no empty History view behind it.
      if (failure && isPermissionProblem(failure)) {
        closePasswordHistory();
        onPermissionProblem(failure, decryptor);
      }
    };
    return {
      label: `History (${encryption.historyCount})`,
      isDisabled: encryption.historyCount === 0,
      open: () => void open(),
    };
  }, [
    encryption,
    openPasswordHistory,
    closePasswordHistory,
    target,
    onPermissionProblem,
    decryptor,
  ]);

  return (
    <PasswordPanel
      label={label}
      canAsk={!hasNoPassword}
      hasShortcuts={hasShortcuts}
      reveal={reveal}
      copy={copy}
      onFailure={onFailure}
      busyLabel={encryption ? 'Decrypting: asking the key service…' : undefined}
      history={history}
      onRevealed={onAccount && ((secret) => onAccount(secret.account))}
      notice={
        <>
          {hasNoPassword && target === 'password' && (
            <MessageBar intent="info">
              <MessageBarBody>
                No LAPS password: this computer has no LAPS attribute set.
              </MessageBarBody>
            </MessageBar>
          )}
          {decryptor && <Body1>Encrypted — authorized decryptor: {decryptor}</Body1>}
        </>
      }
    />
  );
}

function copiedFrom(copied: ChannelOutput<'computer.copy'>): string {
  return copied.target === 'dsrm' ? 'the DSRM password' : SOURCE_LABELS[copied.source];
}

/** With more than one flavour (say Windows LAPS and legacy), which password to show. */
export function SourcePicker({
  details,
  source,
  onChange,
}: {
  details: ComputerDetails;
  source: LapsSource | undefined;
  onChange: (source: LapsSource) => void;
}) {
  if (details.flavours.length < 2 || source === undefined) return null;
  return (
    <Field label="Password from">
      <RadioGroup
        layout="horizontal"
        value={source}
        onChange={(_event, data) => onChange(data.value as LapsSource)}
      >
        {details.flavours.map((flavour) => (
          <Radio
            key={flavour.source}
            value={flavour.source}
            label={SOURCE_LABELS[flavour.source]}
          />
        ))}
      </RadioGroup>
    </Field>
  );
}
