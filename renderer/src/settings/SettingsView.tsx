import {
  Button,
  Field,
  MessageBar,
  MessageBarBody,
  SpinButton,
  Spinner,
  Title2,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { ErrorBar } from '../errors/ErrorBar.js';
import { useConsole } from '../store/index.js';

// The contract's bounds (shared/ipc/values.ts clipboardClearSeconds).
const MIN_SECONDS = 5;
const MAX_SECONDS = 600;

const useStyles = makeStyles({
  view: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
    maxWidth: '560px',
  },
  title: { margin: 0 },
  seconds: { width: '160px' },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS },
});

export function SettingsView() {
  const styles = useStyles();
  const settings = useConsole((state) => state.settings);
  const status = useConsole((state) => state.settingsStatus);
  const error = useConsole((state) => state.settingsError);
  const loadSettings = useConsole((state) => state.loadSettings);
  const saveSettings = useConsole((state) => state.saveSettings);
  const [seconds, setSeconds] = useState<number | null>(null);

  useEffect(() => {
    void loadSettings();
  }, [loadSettings]);
  useEffect(() => {
    if (settings) setSeconds(settings.clipboardClearSeconds);
  }, [settings]);

  const isValid = seconds !== null && seconds >= MIN_SECONDS && seconds <= MAX_SECONDS;
  return (
    <section className={styles.view} aria-labelledby="settings-title">
      <Title2 as="h1" id="settings-title" className={styles.title}>
        Settings
      </Title2>
      {status === 'loading' && <Spinner size="small" label="Reading the settings…" />}
      {error && <ErrorBar title="The settings could not be read or saved" error={error} />}
      <Field
        label="Clear the clipboard after (seconds)"
        hint={`After Copy password, LAPS Console empties the clipboard after this many seconds, if it still holds the password (${MIN_SECONDS} to ${MAX_SECONDS}).`}
        validationMessage={
          isValid || seconds === null ? null : `From ${MIN_SECONDS} to ${MAX_SECONDS}.`
        }
      >
        <SpinButton
          className={styles.seconds}
          min={MIN_SECONDS}
          max={MAX_SECONDS}
          value={seconds}
          disabled={settings === null}
          onChange={(_event, data) => {
            const typed = data.value ?? Number.parseInt(data.displayValue ?? '', 10);
            setSeconds(Number.isFinite(typed) ? typed : null);
          }}
        />
      </Field>
      <div className={styles.actions}>
        <Button
          appearance="primary"
          disabled={!isValid || status === 'saving'}
          onClick={() => seconds !== null && void saveSettings({ clipboardClearSeconds: seconds })}
        >
          {status === 'saving' ? 'Saving…' : 'Save'}
        </Button>
      </div>
      {status === 'saved' && (
        <MessageBar intent="success">
          <MessageBarBody>
            Saved: the clipboard is cleared after {settings?.clipboardClearSeconds} s.
          </MessageBarBody>
        </MessageBar>
      )}
    </section>
  );
}
