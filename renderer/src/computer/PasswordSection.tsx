import {
  Body1,
  Button,
  Caption1,
  Field,
  MessageBar,
  MessageBarBody,
  Radio,
  RadioGroup,
  Spinner,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ChannelOutput } from '../../../shared/ipc/contract.js';
import type { IpcErrorInfo } from '../../../shared/ipc/result.js';
import { ErrorBar } from '../errors/ErrorBar.js';
import { formatDecryptor, isPermissionProblem, SOURCE_LABELS } from '../format.js';
import { useConsole } from '../store/index.js';
import type { ComputerDetails, LapsSource, LapsTarget } from '../store/computer-slice.js';
import {
  CharacterLegend,
  MaskedPassword,
  PASSWORD_LABEL,
  PhoneticSpelling,
  RevealedPassword,
} from './PasswordDisplay.js';
import { PasswordQr } from './PasswordQr.js';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  revealed: { display: 'flex', gap: tokens.spacingHorizontalL, alignItems: 'flex-start' },
  spelling: { flexGrow: 1 },
  muted: { color: tokens.colorNeutralForeground3 },
});

interface Revealed {
  readonly password: string;
  readonly source: LapsSource;
  /** The QR code was asked for; it goes with the password. */
  readonly isQrShown: boolean;
}

type Copied = ChannelOutput<'computer.copy'>;

/** access-denied or not-authorized-to-decrypt, with the decryptor the UI knows of, if any. */
export type OnPermissionProblem = (error: IpcErrorInfo, decryptor: string | null) => void;

/**
 * "LAPS local admin account password" (or a DC's DSRM password): masked until Show or QR, which
 * fetch it (computer.reveal, decrypting in main when it is encrypted); never fetched on open. The
 * password lives in this component's state only, so it is gone when the password is hidden, the
 * flavour changes, or the properties close (the component unmounts).
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
  const styles = useStyles();
  const revealPassword = useConsole((state) => state.revealPassword);
  const copyPassword = useConsole((state) => state.copyPassword);
  const openPasswordHistory = useConsole((state) => state.openPasswordHistory);
  const closePasswordHistory = useConsole((state) => state.closePasswordHistory);
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const [copied, setCopied] = useState<Copied | null>(null);
  const [error, setError] = useState<IpcErrorInfo | null>(null);
  const [busy, setBusy] = useState<'reveal' | 'copy' | null>(null);

  const flavour = details.flavours.find((candidate) => candidate.source === source);
  const encryption = target === 'dsrm' ? details.dsrm : (flavour?.encryption ?? null);
  const decryptor = encryption ? formatDecryptor(encryption.decryptor) : null;
  const hasNoPassword =
    target === 'dsrm'
      ? details.dsrm === null
      : details.flavours.length === 0 && details.hiddenSources.length === 0;
  const canAsk = !hasNoPassword;
  // One request at a time; the buttons stay enabled meanwhile, so keyboard focus stays on them.
  const isIdle = busy === null;
  // The same request as for a clear-text one; main decrypts, asking the key service first.
  const choice = useMemo(
    () => (target === 'dsrm' ? { target } : source ? { source } : {}),
    [target, source],
  );

  // Another flavour picked: its password is another one.
  useEffect(() => {
    setRevealed(null);
    setCopied(null);
    setError(null);
  }, [source]);

  const fail = useCallback(
    (failure: IpcErrorInfo) => {
      if (isPermissionProblem(failure)) onPermissionProblem(failure, decryptor);
      else setError(failure);
    },
    [onPermissionProblem, decryptor],
  );

  const reveal = useCallback(
    async (isQrShown: boolean) => {
      setBusy('reveal');
      setError(null);
      const result = await revealPassword(choice);
      setBusy(null);
      if (!result.ok) return fail(result.error);
      setRevealed({ password: result.value.password, source: result.value.source, isQrShown });
      onAccount?.(result.value.account);
    },
    [revealPassword, choice, fail, onAccount],
  );

  const hide = useCallback(() => setRevealed(null), []);

  const toggle = useCallback(() => {
    if (revealed) hide();
    else if (canAsk && isIdle) void reveal(false);
  }, [revealed, hide, reveal, canAsk, isIdle]);

  const copy = useCallback(async () => {
    if (!canAsk || !isIdle) return;
    setBusy('copy');
    setError(null);
    const result = await copyPassword(choice);
    setBusy(null);
    if (result.ok) setCopied(result.value);
    else fail(result.error);
  }, [copyPassword, choice, fail, canAsk, isIdle]);

  const showHistory = useCallback(async () => {
    if (!encryption || encryption.historyCount === 0) return;
    const failure = await openPasswordHistory(target);
    // The permission dialog says it all: no empty History view behind it.
    if (failure && isPermissionProblem(failure)) {
      closePasswordHistory();
      onPermissionProblem(failure, decryptor);
    }
  }, [
    encryption,
    openPasswordHistory,
    closePasswordHistory,
    target,
    onPermissionProblem,
    decryptor,
  ]);

  // Alt+S show/hide; Ctrl+Shift+C, or Ctrl+C with no text selected, copies; Alt+H history.
  useEffect(() => {
    if (!hasShortcuts) return;
    const onKey = (event: KeyboardEvent) => {
      const key = event.key.toLowerCase();
      if (event.altKey && !event.ctrlKey && key === 's') {
        event.preventDefault();
        toggle();
      } else if (event.altKey && !event.ctrlKey && key === 'h') {
        event.preventDefault();
        void showHistory();
      } else if (
        (event.ctrlKey || event.metaKey) &&
        key === 'c' &&
        (event.shiftKey || !hasSelectedText(event.target))
      ) {
        event.preventDefault();
        void copy();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [hasShortcuts, toggle, copy, showHistory]);

  const shortcut = (keys: string, title: string) =>
    hasShortcuts ? { 'aria-keyshortcuts': keys, title } : {};

  return (
    <section className={styles.section} aria-label={label}>
      <Field label={label}>
        {revealed ? (
          <RevealedPassword password={revealed.password} label={label} />
        ) : (
          <MaskedPassword label={label} />
        )}
      </Field>
      {hasNoPassword && target === 'password' && (
        <MessageBar intent="info">
          <MessageBarBody>
            No LAPS password: this computer has no LAPS attribute set.
          </MessageBarBody>
        </MessageBar>
      )}
      {decryptor && <Body1>Encrypted — authorized decryptor: {decryptor}</Body1>}
      <div className={styles.buttons}>
        <Button onClick={toggle} disabled={!canAsk} {...shortcut('Alt+S', 'Alt+S')}>
          {revealed ? 'Hide password' : busy === 'reveal' ? 'Reading…' : 'Show password'}
        </Button>
        <Button
          onClick={() => void copy()}
          disabled={!canAsk}
          {...shortcut('Control+Shift+C', 'Ctrl+Shift+C')}
        >
          Copy password
        </Button>
        <Button
          onClick={() =>
            revealed
              ? setRevealed({ ...revealed, isQrShown: !revealed.isQrShown })
              : isIdle && void reveal(true)
          }
          disabled={!canAsk}
        >
          {revealed?.isQrShown ? 'Hide QR code' : 'Show QR code'}
        </Button>
        {encryption && (
          <Button
            onClick={() => void showHistory()}
            disabled={encryption.historyCount === 0}
            {...shortcut('Alt+H', 'Alt+H')}
          >
            History ({encryption.historyCount})
          </Button>
        )}
        {busy !== null && encryption && (
          <Spinner size="tiny" label="Decrypting: asking the key service…" />
        )}
      </div>
      {copied && (
        <Caption1 role="status">
          Copied from {copiedFrom(copied)}. The clipboard is cleared at{' '}
          {new Date(copied.clearsAt).toLocaleTimeString()} if it still holds this password.
        </Caption1>
      )}
      {error && <ErrorBar title="The password could not be read" error={error} />}
      {revealed && (
        <>
          <CharacterLegend />
          <div className={styles.revealed}>
            <div className={styles.spelling}>
              <Body1 className={styles.muted}>Read it out:</Body1>
              <PhoneticSpelling password={revealed.password} />
            </div>
            {revealed.isQrShown && <PasswordQr password={revealed.password} />}
          </div>
        </>
      )}
    </section>
  );
}

function copiedFrom(copied: Copied): string {
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

/** Ctrl+C copies the password only when it would copy nothing else: no text selected anywhere. */
function hasSelectedText(target: EventTarget | null): boolean {
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) {
    // Date and time inputs have no text selection API (selectionStart throws or is null).
    try {
      return (target.selectionStart ?? 0) !== (target.selectionEnd ?? 0);
    } catch {
      return false;
    }
  }
  return (window.getSelection()?.toString() ?? '') !== '';
}
