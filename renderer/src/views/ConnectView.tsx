import {
  Badge,
  Body1,
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
import { useEffect } from 'react';
import type { ProfileSummary } from '../../../shared/ipc/contract.js';
import { useConsole } from '../store/index.js';
import type { ConnectionTest } from '../store/profiles-slice.js';

const useStyles = makeStyles({
  view: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  list: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    maxWidth: '760px',
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

  useEffect(() => {
    void loadProfiles();
  }, [loadProfiles]);

  return (
    <section className={styles.view} aria-labelledby="connect-title">
      <Title2 as="h1" id="connect-title" className={styles.title}>
        Connect to a directory
      </Title2>
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
      <div className={styles.list} role="list" aria-label="Connection profiles">
        {profiles.map((profile) => (
          <ProfileCard key={profile.name} profile={profile} />
        ))}
      </div>
    </section>
  );
}

function ProfileCard({ profile }: { profile: ProfileSummary }) {
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

export function ErrorBar({
  title,
  error,
}: {
  title: string;
  error: { code: string; message: string };
}) {
  return (
    <MessageBar intent="error">
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        <Body1>{error.message}</Body1>{' '}
        <Badge appearance="outline" color="danger">
          {error.code}
        </Badge>
      </MessageBarBody>
    </MessageBar>
  );
}
