import {
  Body1,
  Button,
  Caption1,
  Spinner,
  Title2,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import { PASSWORD_FONT } from '../computer/PasswordDisplay.js';
import { ErrorBar } from '../errors/ErrorBar.js';
import { useConsole } from '../store/index.js';
import type { EntraDeviceCodePrompt } from '../store/entra-slice.js';

const useStyles = makeStyles({
  panel: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    maxWidth: '640px',
  },
  title: { margin: 0 },
  muted: { color: tokens.colorNeutralForeground3 },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center' },
  code: {
    fontFamily: PASSWORD_FONT,
    fontSize: '32px',
    lineHeight: '44px',
    letterSpacing: '0.12em',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    width: 'fit-content',
    userSelect: 'all',
  },
  url: { fontFamily: tokens.fontFamilyMonospace, userSelect: 'all', overflowWrap: 'anywhere' },
});

/**
 * Signing in: the system browser first (main opens it and listens on a loopback redirect), a
 * device code when no browser can reach this machine. Also "Add account" with accounts signed in.
 */
export function EntraSignInPanel({
  onClose,
  onSettings,
}: {
  /** Back to the accounts signed in ("Add account" only). */
  onClose?: (() => void) | undefined;
  onSettings: () => void;
}) {
  const styles = useStyles();
  const settings = useConsole((state) => state.entraSettings);
  const signIn = useConsole((state) => state.entraSignIn);
  const start = useConsole((state) => state.signInToEntra);
  const cancel = useConsole((state) => state.cancelEntraSignIn);
  const isPersistent = useConsole((state) => state.isEntraCachePersistent);
  const isBusy = signIn !== null && signIn.status !== 'failed';

  return (
    <section className={styles.panel} aria-labelledby="entra-sign-in-title">
      <Title2 as="h1" id="entra-sign-in-title" className={styles.title}>
        Sign in to Microsoft Entra ID
      </Title2>
      <Body1>
        Tenant {settings?.tenant}, app {settings?.clientId}.
        {signIn?.deviceCode
          ? ''
          : " Your browser opens Microsoft's sign-in page; the console never sees your password."}
      </Body1>
      {!isPersistent && (
        <Caption1 className={styles.muted}>
          The sign-in cannot be saved (no protected storage on this system, or the config folder is
          full or not writable): you stay signed in until the console closes.
        </Caption1>
      )}
      {!isBusy && (
        <div className={styles.buttons}>
          <Button appearance="primary" onClick={() => void start('browser')} autoFocus>
            Sign in with browser
          </Button>
          <Button onClick={() => void start('device-code')}>Use a device code</Button>
          {onClose && <Button onClick={onClose}>Cancel</Button>}
          <Button appearance="subtle" onClick={onSettings}>
            Settings
          </Button>
        </div>
      )}
      {signIn?.status === 'starting' && (
        <Spinner
          size="small"
          labelPosition="after"
          label={
            signIn.method === 'browser' ? 'Opening your browser…' : 'Asking Entra ID for a code…'
          }
        />
      )}
      {signIn?.status === 'waiting' && signIn.method === 'browser' && (
        <div className={styles.buttons}>
          <Spinner
            size="small"
            labelPosition="after"
            label="Finish signing in in your browser; this page continues by itself."
          />
          <Button onClick={() => void cancel()} autoFocus>
            Cancel
          </Button>
        </div>
      )}
      {signIn?.status === 'waiting' && signIn.deviceCode && (
        <DeviceCode prompt={signIn.deviceCode} onCancel={() => void cancel()} />
      )}
      {signIn?.status === 'failed' && signIn.error && (
        <ErrorBar title="Sign-in did not complete" error={signIn.error} />
      )}
    </section>
  );
}

function DeviceCode({ prompt, onCancel }: { prompt: EntraDeviceCodePrompt; onCancel: () => void }) {
  const styles = useStyles();
  const copyDeviceCode = useConsole((state) => state.copyEntraDeviceCode);
  const [copyNote, setCopyNote] = useState<string | null>(null);

  // main owns the clipboard: it copies the code of the flow under way (no text from here).
  const copyCode = async () => {
    const result = await copyDeviceCode();
    setCopyNote(result.ok ? 'Code copied.' : result.error.message);
  };

  return (
    <>
      <Body1>
        On any device, open <span className={styles.url}>{prompt.verificationUri}</span> and enter
        this code:
      </Body1>
      <div className={styles.code} aria-label="Device code" role="textbox" aria-readonly="true">
        {prompt.userCode}
      </div>
      <Caption1 className={styles.muted}>{prompt.message}</Caption1>
      <div className={styles.buttons}>
        <Button appearance="primary" onClick={() => void copyCode()} autoFocus>
          Copy code
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
        <Spinner size="tiny" labelPosition="after" label="Waiting for you to enter the code…" />
      </div>
      {copyNote && <Caption1 role="status">{copyNote}</Caption1>}
    </>
  );
}
