import {
  Body1,
  Button,
  Caption1,
  Field,
  MessageBar,
  MessageBarBody,
  Radio,
  RadioGroup,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useState } from 'react';
import type { ChannelOutput } from '../../../shared/ipc/contract.js';
import type { IpcErrorInfo } from '../../../shared/ipc/result.js';
import { ErrorBar } from '../errors/ErrorBar.js';
import { SOURCE_LABELS } from '../format.js';
import { useConsole } from '../store/index.js';
import type { ComputerDetails, LapsSource } from '../store/computer-slice.js';
import {
  CharacterLegend,
  MaskedPassword,
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

/**
 * "LAPS local admin account password": masked until Show or QR, which fetch it (computer.reveal);
 * never fetched on open. The password lives in this component's state only, so it is gone when
 * the password is hidden, the flavour changes, or the properties close (the component unmounts).
 */
export function PasswordSection({
  details,
  source,
  onAccessDenied,
}: {
  details: ComputerDetails;
  source: LapsSource | undefined;
  onAccessDenied: (error: IpcErrorInfo) => void;
}) {
  const styles = useStyles();
  const revealPassword = useConsole((state) => state.revealPassword);
  const copyPassword = useConsole((state) => state.copyPassword);
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const [copied, setCopied] = useState<Copied | null>(null);
  const [error, setError] = useState<IpcErrorInfo | null>(null);
  const [isBusy, setBusy] = useState(false);

  const flavour = details.flavours.find((candidate) => candidate.source === source);
  const isEncrypted = flavour !== undefined && !flavour.isPasswordReadable;
  const hasNoPassword = details.flavours.length === 0 && details.hiddenSources.length === 0;
  const canAsk = !isEncrypted && !hasNoPassword;

  // Another flavour picked: its password is another one.
  useEffect(() => {
    setRevealed(null);
    setCopied(null);
    setError(null);
  }, [source]);

  const fail = useCallback(
    (failure: IpcErrorInfo) => {
      if (failure.code === 'access-denied') onAccessDenied(failure);
      else setError(failure);
    },
    [onAccessDenied],
  );

  const reveal = useCallback(
    async (isQrShown: boolean) => {
      setBusy(true);
      setError(null);
      const result = await revealPassword(source);
      setBusy(false);
      if (!result.ok) return fail(result.error);
      if (result.value.password === null)
        return setError({
          code: 'not-authorized-to-decrypt',
          message:
            'This password is encrypted (msLAPS-EncryptedPassword). Decryption arrives in a later version of LAPS Console.',
        });
      setRevealed({ password: result.value.password, source: result.value.source, isQrShown });
    },
    [revealPassword, source, fail],
  );

  const hide = useCallback(() => setRevealed(null), []);

  const toggle = useCallback(() => {
    if (revealed) hide();
    else if (canAsk && !isBusy) void reveal(false);
  }, [revealed, hide, reveal, canAsk, isBusy]);

  const copy = useCallback(async () => {
    if (!canAsk) return;
    setError(null);
    const result = await copyPassword(source);
    if (result.ok) setCopied(result.value);
    else fail(result.error);
  }, [copyPassword, source, fail, canAsk]);

  // Alt+S show/hide; Ctrl+Shift+C, or Ctrl+C with no text selected, copies.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const key = event.key.toLowerCase();
      if (event.altKey && !event.ctrlKey && key === 's') {
        event.preventDefault();
        toggle();
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
  }, [toggle, copy]);

  return (
    <section className={styles.section} aria-label="LAPS local admin account password">
      <Field label="LAPS local admin account password">
        {revealed ? <RevealedPassword password={revealed.password} /> : <MaskedPassword />}
      </Field>
      {hasNoPassword && (
        <MessageBar intent="info">
          <MessageBarBody>
            No LAPS password: this computer has no LAPS attribute set.
          </MessageBarBody>
        </MessageBar>
      )}
      {isEncrypted && (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>
            This password is encrypted (Windows LAPS encrypted). Decryption arrives in a later
            version of LAPS Console; the expiration can be changed already.
          </MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.buttons}>
        <Button onClick={toggle} disabled={!canAsk} aria-keyshortcuts="Alt+S" title="Alt+S">
          {revealed ? 'Hide password' : isBusy ? 'Reading…' : 'Show password'}
        </Button>
        <Button
          onClick={() => void copy()}
          disabled={!canAsk}
          aria-keyshortcuts="Control+Shift+C"
          title="Ctrl+Shift+C"
        >
          Copy password
        </Button>
        <Button
          onClick={() =>
            revealed
              ? setRevealed({ ...revealed, isQrShown: !revealed.isQrShown })
              : !isBusy && void reveal(true)
          }
          disabled={!canAsk}
        >
          {revealed?.isQrShown ? 'Hide QR code' : 'Show QR code'}
        </Button>
      </div>
      {copied && (
        <Caption1 role="status">
          Copied from {SOURCE_LABELS[copied.source]}. The clipboard is cleared at{' '}
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
