import {
  Body1,
  Button,
  Caption1,
  Field,
  Spinner,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { IpcErrorInfo, Result } from '../../../shared/ipc/result.js';
import {
  CharacterLegend,
  MaskedPassword,
  PhoneticSpelling,
  RevealedPassword,
} from '../computer/PasswordDisplay.js';
import { PasswordQr } from '../computer/PasswordQr.js';
import { ErrorBar } from '../errors/ErrorBar.js';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  revealed: { display: 'flex', gap: tokens.spacingHorizontalL, alignItems: 'flex-start' },
  spelling: { flexGrow: 1 },
  muted: { color: tokens.colorNeutralForeground3 },
});

/** What a reveal hands the panel: the password, and its account when the source knows it. */
export interface RevealedSecret {
  readonly password: string;
  readonly account: string | null;
}

/** What a copy reports: main put the password on the clipboard and clears it at clearsAt. */
export interface CopiedSecret {
  /** Where the password came from, as the note says it ("Windows LAPS", "Entra ID"). */
  readonly from: string;
  readonly clearsAt: string;
}

export interface PasswordPanelProps {
  /** The field's label and accessible name. */
  readonly label: string;
  /** false when there is no password to ask for: the buttons are disabled. */
  readonly canAsk: boolean;
  /** Alt+S, Ctrl+Shift+C and Alt+H: for one panel at a time, and not under another view. */
  readonly hasShortcuts: boolean;
  readonly reveal: () => Promise<Result<RevealedSecret>>;
  readonly copy: () => Promise<Result<CopiedSecret>>;
  /** Takes a failure the caller explains itself (a permission dialog); false: the panel shows it. */
  readonly onFailure?: ((error: IpcErrorInfo) => boolean) | undefined;
  /** Said beside a spinner while a request is under way; nothing when it is quick. */
  readonly busyLabel?: string | undefined;
  /** Shown under that spinner while a request is under way (why it takes long, if it does). */
  readonly busyDetail?: ReactNode;
  /** The History button, when the source keeps old passwords. */
  readonly history?:
    { readonly label: string; readonly isDisabled: boolean; readonly open: () => void } | undefined;
  /** Under the password field: what the user must know before asking (no password, encrypted). */
  readonly notice?: ReactNode;
  /** More buttons after the panel's own (Rotate…). */
  readonly actions?: ReactNode;
  readonly onRevealed?: ((secret: RevealedSecret) => void) | undefined;
}

interface Revealed {
  readonly password: string;
  /** The QR code was asked for; it goes with the password. */
  readonly isQrShown: boolean;
}

/**
 * The password panel of the LAPS tab and of the Entra view alike: masked until Show or QR fetch
 * it (never on open), Copy through main (which owns and clears the clipboard), the password in
 * the large monospaced font with its character classes, read-out spelling and QR code. The
 * password lives in this component's state only: gone when it is hidden or the panel unmounts.
 */
export function PasswordPanel({
  label,
  canAsk,
  hasShortcuts,
  reveal: fetchPassword,
  copy: copyPassword,
  onFailure,
  busyLabel,
  busyDetail,
  history,
  notice,
  actions,
  onRevealed,
}: PasswordPanelProps) {
  const styles = useStyles();
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const [copied, setCopied] = useState<CopiedSecret | null>(null);
  const [error, setError] = useState<IpcErrorInfo | null>(null);
  const [busy, setBusy] = useState<'reveal' | 'copy' | null>(null);
  // One request at a time; the buttons stay enabled meanwhile, so keyboard focus stays on them.
  const isIdle = busy === null;

  const fail = useCallback(
    (failure: IpcErrorInfo) => {
      if (!onFailure?.(failure)) setError(failure);
    },
    [onFailure],
  );

  const reveal = useCallback(
    async (isQrShown: boolean) => {
      setBusy('reveal');
      setError(null);
      const result = await fetchPassword();
      setBusy(null);
      if (!result.ok) return fail(result.error);
      setRevealed({ password: result.value.password, isQrShown });
      onRevealed?.(result.value);
    },
    [fetchPassword, fail, onRevealed],
  );

  const toggle = useCallback(() => {
    if (revealed) setRevealed(null);
    else if (canAsk && isIdle) void reveal(false);
  }, [revealed, reveal, canAsk, isIdle]);

  const copy = useCallback(async () => {
    if (!canAsk || !isIdle) return;
    setBusy('copy');
    setError(null);
    const result = await copyPassword();
    setBusy(null);
    if (result.ok) setCopied(result.value);
    else fail(result.error);
  }, [copyPassword, fail, canAsk, isIdle]);

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
        if (history && !history.isDisabled) history.open();
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
  }, [hasShortcuts, toggle, copy, history]);

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
      {notice}
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
        {history && (
          <Button
            onClick={history.open}
            disabled={history.isDisabled}
            {...shortcut('Alt+H', 'Alt+H')}
          >
            {history.label}
          </Button>
        )}
        {actions}
        {busy !== null && busyLabel && <Spinner size="tiny" label={busyLabel} />}
      </div>
      {busy !== null && busyDetail}
      {copied && (
        <Caption1 role="status">
          Copied from {copied.from}. The clipboard is cleared at{' '}
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
