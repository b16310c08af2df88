import {
  Button,
  Caption1,
  Select,
  Spinner,
  Title2,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { ErrorBar } from '../errors/ErrorBar.js';
import { useConsole } from '../store/index.js';
import { EntraDeviceSearch } from './EntraDeviceSearch.js';
import { EntraSettingsForm } from './EntraSettingsForm.js';
import { EntraSignInPanel } from './EntraSignInPanel.js';

const useStyles = makeStyles({
  view: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  header: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    flexWrap: 'wrap',
  },
  heading: { flexGrow: 1, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  title: { margin: 0 },
  account: { minWidth: '260px' },
});

/**
 * The Entra ID tab: settings until an app registration is named, sign-in until an account is
 * signed in, then the device search as the signed-in account chosen.
 */
export function EntraView() {
  const status = useConsole((state) => state.entraStatus);
  const error = useConsole((state) => state.entraError);
  const settings = useConsole((state) => state.entraSettings);
  const hasAccounts = useConsole((state) => state.entraAccounts.length > 0);
  const isAdding = useConsole((state) => state.isAddingEntraAccount);
  const setAdding = useConsole((state) => state.setAddingEntraAccount);
  const cancelSignIn = useConsole((state) => state.cancelEntraSignIn);
  const load = useConsole((state) => state.loadEntraStatus);
  const [isEditingSettings, setEditingSettings] = useState(false);

  useEffect(() => {
    void load();
  }, [load]);

  if (status === 'idle' || (status === 'loading' && settings === null))
    return <Spinner size="small" label="Reading the Entra ID settings…" />;
  if (status === 'failed' && error)
    return (
      <>
        <ErrorBar title="The Entra ID settings could not be read" error={error} />
        <Button onClick={() => void load()}>Try again</Button>
      </>
    );
  if (settings === null || isEditingSettings)
    return (
      <EntraSettingsForm
        onDone={settings === null ? undefined : () => setEditingSettings(false)}
        key={settings?.clientId ?? 'new'}
      />
    );
  if (!hasAccounts || isAdding)
    return (
      <EntraSignInPanel
        onClose={
          hasAccounts
            ? () => {
                void cancelSignIn();
                setAdding(false);
              }
            : undefined
        }
        onSettings={() => setEditingSettings(true)}
      />
    );
  return <SignedIn onSettings={() => setEditingSettings(true)} />;
}

function SignedIn({ onSettings }: { onSettings: () => void }) {
  const styles = useStyles();
  const accounts = useConsole((state) => state.entraAccounts);
  const accountId = useConsole((state) => state.entraAccountId);
  const select = useConsole((state) => state.selectEntraAccount);
  const signOut = useConsole((state) => state.signOutOfEntra);
  const setAdding = useConsole((state) => state.setAddingEntraAccount);
  const settings = useConsole((state) => state.entraSettings);
  const error = useConsole((state) => state.entraError);
  const isPersistent = useConsole((state) => state.isEntraCachePersistent);

  return (
    <section className={styles.view} aria-labelledby="entra-title">
      <div className={styles.header}>
        <div className={styles.heading}>
          <Title2 as="h1" id="entra-title" className={styles.title}>
            Find an Entra ID device
          </Title2>
          <Caption1>
            Tenant {settings?.tenant} ·{' '}
            {settings?.cloud === 'global' ? 'global cloud' : settings?.cloud}
            {isPersistent
              ? ''
              : ' · signed in until the console closes (the sign-in cannot be saved)'}
          </Caption1>
        </div>
        <Select
          className={styles.account}
          aria-label="Signed-in account"
          value={accountId ?? ''}
          onChange={(_event, data) => select(data.value)}
        >
          {accounts.map((account) => (
            <option key={account.accountId} value={account.accountId}>
              {account.name ? `${account.name} (${account.username})` : account.username}
            </option>
          ))}
        </Select>
        <Button onClick={() => setAdding(true)}>Add account</Button>
        <Button onClick={() => accountId && void signOut(accountId)} disabled={!accountId}>
          Sign out
        </Button>
        <Button appearance="subtle" onClick={onSettings}>
          Settings
        </Button>
      </div>
      {error && <ErrorBar title="Entra ID" error={error} />}
      <EntraDeviceSearch />
    </section>
  );
}
