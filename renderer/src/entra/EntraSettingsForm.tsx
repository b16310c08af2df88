import {
  Button,
  Caption1,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Select,
  Title2,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useState, type SyntheticEvent } from 'react';
import type { IpcErrorInfo } from '../../../shared/ipc/result.js';
import { ErrorBar } from '../errors/ErrorBar.js';
import { useConsole } from '../store/index.js';
import {
  CLOUD_LABELS,
  draftFromSettings,
  entraDraftProblems,
  settingsFromDraft,
  type EntraSettingsDraft,
} from './settings-draft.js';

const useStyles = makeStyles({
  form: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    maxWidth: '640px',
  },
  title: { margin: 0 },
  hint: { color: tokens.colorNeutralForeground3 },
  advanced: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    paddingLeft: tokens.spacingHorizontalL,
    borderLeft: `${tokens.strokeWidthThick} solid ${tokens.colorNeutralStroke2}`,
  },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS },
  toggle: { alignSelf: 'flex-start' },
});

/**
 * Which app registration and tenant the console signs in with (entra.json). Saving other
 * settings signs every account out: their tokens belong to the old app or tenant.
 */
export function EntraSettingsForm({ onDone }: { onDone?: (() => void) | undefined }) {
  const styles = useStyles();
  const settings = useConsole((state) => state.entraSettings);
  const hasAccounts = useConsole((state) => state.entraAccounts.length > 0);
  const configure = useConsole((state) => state.configureEntra);
  const [draft, setDraft] = useState<EntraSettingsDraft>(() => draftFromSettings(settings));
  const [isAdvancedOpen, setAdvancedOpen] = useState(
    () => draft.authority !== '' || draft.graphUrl !== '' || draft.ca !== '',
  );
  const [isTried, setTried] = useState(false);
  const [isSaving, setSaving] = useState(false);
  const [error, setError] = useState<IpcErrorInfo | null>(null);
  const problems = isTried ? entraDraftProblems(draft) : {};

  const edit = (field: keyof EntraSettingsDraft) => (value: string) =>
    setDraft((current) => ({ ...current, [field]: value }));

  const save = async (event: SyntheticEvent) => {
    event.preventDefault();
    setTried(true);
    if (Object.keys(entraDraftProblems(draft)).length > 0) return;
    setSaving(true);
    setError(null);
    const result = await configure(settingsFromDraft(draft));
    setSaving(false);
    if (!result.ok) return setError(result.error);
    onDone?.();
  };

  const textField = (
    field: 'clientId' | 'tenant' | 'authority' | 'graphUrl' | 'ca',
    label: string,
    hint: string,
    placeholder = '',
  ) => (
    <Field
      label={label}
      hint={hint}
      required={field === 'clientId' || field === 'tenant'}
      validationMessage={problems[field] ?? null}
    >
      <Input
        value={draft[field]}
        placeholder={placeholder}
        onChange={(_event, data) => edit(field)(data.value)}
        autoFocus={field === 'clientId'}
        spellCheck={false}
      />
    </Field>
  );

  return (
    <form
      noValidate
      className={styles.form}
      onSubmit={(event) => void save(event)}
      aria-labelledby="entra-settings-title"
    >
      <Title2 as="h1" id="entra-settings-title" className={styles.title}>
        Microsoft Entra ID settings
      </Title2>
      <Caption1 className={styles.hint}>
        The console signs in as a public client app registration of your tenant. Browsing needs
        Device.Read.All and DeviceLocalCredential.ReadBasic.All; DeviceLocalCredential.Read.All is
        asked for only when you show or copy a password.
      </Caption1>
      {textField(
        'clientId',
        'Application (client) ID',
        'From the app registration in the Entra admin center.',
        '00000000-0000-0000-0000-000000000000',
      )}
      {textField(
        'tenant',
        'Tenant',
        'A tenant ID, a verified domain, or "organizations" for any work account.',
        'contoso.onmicrosoft.com',
      )}
      <Field label="Cloud">
        <Select value={draft.cloud} onChange={(_event, data) => edit('cloud')(data.value)}>
          {Object.entries(CLOUD_LABELS).map(([cloud, label]) => (
            <option key={cloud} value={cloud}>
              {label}
            </option>
          ))}
        </Select>
      </Field>
      <Button
        className={styles.toggle}
        appearance="subtle"
        aria-expanded={isAdvancedOpen}
        aria-controls="entra-advanced"
        onClick={() => setAdvancedOpen(!isAdvancedOpen)}
      >
        {isAdvancedOpen ? '▾' : '▸'} Advanced
      </Button>
      {isAdvancedOpen && (
        <div className={styles.advanced} id="entra-advanced">
          {textField(
            'authority',
            'Authority URL',
            "Overrides the cloud's sign-in authority, tenant included.",
            'https://login.microsoftonline.com/contoso.onmicrosoft.com',
          )}
          {textField(
            'graphUrl',
            'Microsoft Graph URL',
            "Overrides the cloud's Graph root.",
            'https://graph.microsoft.com',
          )}
          {textField(
            'ca',
            'CA certificate file (PEM)',
            'Trusted for sign-in and Graph instead of the system store (a TLS-inspecting proxy).',
          )}
        </div>
      )}
      {settings && hasAccounts && (
        <MessageBar intent="warning">
          <MessageBarBody>Saving signs every Entra ID account out.</MessageBarBody>
        </MessageBar>
      )}
      {error && <ErrorBar title="The settings were not saved" error={error} />}
      <div className={styles.buttons}>
        <Button appearance="primary" type="submit" disabled={isSaving}>
          {isSaving ? 'Saving…' : 'Save'}
        </Button>
        {onDone && <Button onClick={onDone}>Cancel</Button>}
      </div>
    </form>
  );
}
