import {
  Button,
  Caption1,
  Card,
  CardHeader,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Subtitle2,
  Title2,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { ProfileSummary } from '../../../shared/ipc/contract.js';
import { ErrorBar } from '../errors/ErrorBar.js';
import { useConsole } from '../store/index.js';
import { ProfileEditor } from './ProfileEditor.js';
import { EMPTY_DRAFT, draftFromSummary } from './profile-draft.js';
import type { ConnectionTest } from '../store/profiles-slice.js';

const useStyles = makeStyles({
  view: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  columns: {
    display: 'flex',
    gap: tokens.spacingHorizontalXXL,
    alignItems: 'flex-start',
    flexWrap: 'wrap',
  },
  header: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM },
  list: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    flex: '1 1 420px',
    maxWidth: '680px',
  },
  title: { margin: 0 },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, whiteSpace: 'nowrap' },
  details: { color: tokens.colorNeutralForeground3 },
});

const PASSWORD_SOURCES: Readonly<Record<ProfileSummary['passwordSource'], string>> = {
  saved: 'password saved (protected by the OS)',
  file: 'password from a file',
  environment: 'password from an environment variable',
  none: 'no password',
};

export function ConnectView() {
  const styles = useStyles();
  const profiles = useConsole((state) => state.profiles);
  const status = useConsole((state) => state.profilesStatus);
  const error = useConsole((state) => state.profilesError);
  const connectError = useConsole((state) => state.connectError);
  const loadProfiles = useConsole((state) => state.loadProfiles);
  // The profile being edited: a saved one by name, or '' for a new one.
  const [editing, setEditing] = useState<string | null>(null);
  const edited = profiles.find((profile) => profile.name === editing);

  useEffect(() => {
    void loadProfiles();
  }, [loadProfiles]);

  return (
    <section className={styles.view} aria-labelledby="connect-title">
      <div className={styles.header}>
        <Title2 as="h1" id="connect-title" className={styles.title}>
          Connect to a directory
        </Title2>
        <Button onClick={() => setEditing('')}>New profile</Button>
      </div>
      {status === 'loading' && <Spinner size="small" label="Reading saved profiles…" />}
      {error && <ErrorBar title="Cannot read the saved profiles" error={error} />}
      {connectError && <ErrorBar title="Cannot connect" error={connectError} />}
      {status === 'ready' && profiles.length === 0 && (
        <MessageBar intent="info">
          <MessageBarBody>
            No saved connection profile yet. LAPS Console and lapsctl share profiles.json in the
            configuration folder.
          </MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.columns}>
        <div className={styles.list} role="list" aria-label="Connection profiles">
          {profiles.map((profile) => (
            <ProfileCard
              key={profile.name}
              profile={profile}
              onEdit={() => setEditing(profile.name)}
            />
          ))}
        </div>
        {editing !== null && (
          <ProfileEditor
            key={editing}
            initial={edited ? draftFromSummary(edited) : EMPTY_DRAFT}
            isNew={edited === undefined}
            hasSavedPassword={edited?.passwordSource === 'saved'}
            onDone={() => setEditing(null)}
          />
        )}
      </div>
    </section>
  );
}

function ProfileCard({ profile, onEdit }: { profile: ProfileSummary; onEdit: () => void }) {
  const styles = useStyles();
  const test = useConsole((state) => state.connectionTests[profile.name]);
  const connectingTo = useConsole((state) => state.connectingTo);
  const testConnection = useConsole((state) => state.testConnection);
  const connect = useConsole((state) => state.connect);
  const where =
    profile.server ?? (profile.domain ? `DCs of ${profile.domain}` : 'DCs of this domain');
  const signIn =
    profile.auth === 'kerberos'
      ? 'your Kerberos ticket'
      : `${profile.user ?? '?'}, ${PASSWORD_SOURCES[profile.passwordSource]}`;

  return (
    <Card role="listitem" aria-label={profile.name}>
      <CardHeader
        header={
          <Subtitle2 as="h2" className={styles.title}>
            {profile.name}
          </Subtitle2>
        }
        description={
          <Caption1 className={styles.details}>
            {where} · {signIn}
          </Caption1>
        }
        action={
          <div className={styles.actions}>
            <Button onClick={onEdit}>Edit</Button>
            <Button
              onClick={() => void testConnection(profile.name)}
              disabled={test?.state === 'testing'}
            >
              Test connection
            </Button>
            <Button
              appearance="primary"
              onClick={() => void connect(profile.name)}
              disabled={connectingTo !== null}
            >
              {connectingTo === profile.name ? 'Connecting…' : 'Connect'}
            </Button>
          </div>
        }
      />
      {test && <TestOutcome test={test} />}
    </Card>
  );
}

function TestOutcome({ test }: { test: ConnectionTest }) {
  if (test.state === 'testing') return <Spinner size="tiny" label="Testing the connection…" />;
  if (test.state === 'failed') return <ErrorBar title="The test failed" error={test.error} />;
  return (
    <MessageBar intent="success">
      <MessageBarBody>
        <MessageBarTitle>Connection works</MessageBarTitle>
        Signed in to {test.info.server}
        {test.info.dnsHostName ? ` (${test.info.dnsHostName})` : ''}, domain{' '}
        {test.info.defaultNamingContext}.
      </MessageBarBody>
    </MessageBar>
  );
}
