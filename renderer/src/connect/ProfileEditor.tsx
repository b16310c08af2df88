import {
  Button,
  Card,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Radio,
  RadioGroup,
  Spinner,
  Subtitle2,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { ChannelOutput } from '../../../shared/ipc/contract.js';
import type { IpcErrorInfo } from '../../../shared/ipc/result.js';
import { ErrorBar } from '../errors/ErrorBar.js';
import { useConsole } from '../store/index.js';
import { fieldsFromDraft, type ProfileDraft } from './profile-draft.js';

const useStyles = makeStyles({
  card: { flex: '0 1 520px', gap: tokens.spacingVerticalM },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  title: { margin: 0 },
});

type Outcome =
  | { readonly state: 'testing' | 'saving' }
  | { readonly state: 'tested'; readonly info: ChannelOutput<'connection.test'> }
  | { readonly state: 'failed'; readonly title: string; readonly error: IpcErrorInfo };

/**
 * A new or saved profile. The password field is this form's own state: sent once to
 * connection.test or profile.save (main keeps it in the OS store), never put in zustand.
 */
export function ProfileEditor({
  initial,
  isNew,
  hasSavedPassword,
  onDone,
}: {
  initial: ProfileDraft;
  isNew: boolean;
  hasSavedPassword: boolean;
  onDone: () => void;
}) {
  const styles = useStyles();
  const saveProfile = useConsole((state) => state.saveProfile);
  const deleteProfile = useConsole((state) => state.deleteProfile);
  const testDraft = useConsole((state) => state.testDraft);
  const [draft, setDraft] = useState(initial);
  const [password, setPassword] = useState('');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const edit = (change: Partial<ProfileDraft>) => setDraft({ ...draft, ...change });
  const isSimple = draft.auth === 'simple';
  const isBusy = outcome?.state === 'testing' || outcome?.state === 'saving';

  const test = async () => {
    setOutcome({ state: 'testing' });
    const profile = fieldsFromDraft(draft);
    const result =
      !isNew && isSimple && password === '' && hasSavedPassword
        ? await testDraft({ name: draft.name })
        : await testDraft(isSimple && password !== '' ? { profile, password } : { profile });
    setOutcome(
      result.ok
        ? { state: 'tested', info: result.value }
        : { state: 'failed', title: 'The test failed', error: result.error },
    );
  };

  const save = async () => {
    setOutcome({ state: 'saving' });
    const result = await saveProfile({
      name: draft.name.trim(),
      profile: fieldsFromDraft(draft),
      ...(isSimple && password !== '' ? { password } : {}),
    });
    setPassword('');
    if (result.ok) onDone();
    else setOutcome({ state: 'failed', title: 'The profile was not saved', error: result.error });
  };

  const remove = async () => {
    const result = await deleteProfile(draft.name);
    if (result.ok) onDone();
    else setOutcome({ state: 'failed', title: 'The profile was not deleted', error: result.error });
  };

  return (
    <Card className={styles.card} aria-labelledby="profile-editor-title">
      <Subtitle2 as="h2" id="profile-editor-title" className={styles.title}>
        {isNew ? 'New connection profile' : `Edit ${initial.name}`}
      </Subtitle2>
      <Field label="Profile name" required>
        <Input
          value={draft.name}
          disabled={!isNew}
          onChange={(_event, data) => edit({ name: data.value })}
        />
      </Field>
      <Field label="Connect to">
        <RadioGroup
          layout="horizontal"
          value={draft.target}
          onChange={(_event, data) =>
            edit({ target: data.value === 'domain' ? 'domain' : 'server' })
          }
        >
          <Radio value="server" label="A server" />
          <Radio value="domain" label="A domain's DCs" />
        </RadioGroup>
      </Field>
      {draft.target === 'server' ? (
        <Field label="Server" hint="ldaps://dc1.example.com, or ldap://… for StartTLS">
          <Input value={draft.server} onChange={(_event, data) => edit({ server: data.value })} />
        </Field>
      ) : (
        <Field label="Domain" hint="Empty: this computer's own domain, found through DNS">
          <Input value={draft.domain} onChange={(_event, data) => edit({ domain: data.value })} />
        </Field>
      )}
      <Field label="CA certificate file" hint="Empty: the operating system's trusted CAs">
        <Input value={draft.ca} onChange={(_event, data) => edit({ ca: data.value })} />
      </Field>
      <Field label="Search base" hint="Empty: the whole domain">
        <Input value={draft.base} onChange={(_event, data) => edit({ base: data.value })} />
      </Field>
      <Field
        label="Key service (MS-GKDI)"
        hint="host:port, for decrypting encrypted passwords. Empty: ask the DC's endpoint mapper (a Samba DC needs one named)"
      >
        <Input
          value={draft.gkdiEndpoint}
          onChange={(_event, data) => edit({ gkdiEndpoint: data.value })}
        />
      </Field>
      <Field label="Sign in as">
        <RadioGroup
          value={draft.auth}
          onChange={(_event, data) =>
            edit({ auth: data.value === 'simple' ? 'simple' : 'kerberos' })
          }
        >
          <Radio value="kerberos" label="The current Windows / Kerberos user" />
          <Radio value="simple" label="Other credentials" />
        </RadioGroup>
      </Field>
      {isSimple && (
        <>
          <Field label="User" hint="user@domain or DOMAIN\user">
            <Input value={draft.user} onChange={(_event, data) => edit({ user: data.value })} />
          </Field>
          <Field
            label="Password"
            hint={
              hasSavedPassword
                ? 'Empty: keep the saved password. Saved protected by the operating system.'
                : 'Saved protected by the operating system, never in a plain file.'
            }
          >
            <Input
              type="password"
              value={password}
              autoComplete="off"
              onChange={(_event, data) => setPassword(data.value)}
            />
          </Field>
        </>
      )}
      {outcome?.state === 'testing' && <Spinner size="tiny" label="Testing the connection…" />}
      {outcome?.state === 'tested' && (
        <MessageBar intent="success">
          <MessageBarBody>
            <MessageBarTitle>Connection works</MessageBarTitle>
            Signed in to {outcome.info.server}, domain {outcome.info.defaultNamingContext}.
          </MessageBarBody>
        </MessageBar>
      )}
      {outcome?.state === 'failed' && <ErrorBar title={outcome.title} error={outcome.error} />}
      <div className={styles.actions}>
        <Button
          appearance="primary"
          disabled={isBusy || draft.name.trim() === ''}
          onClick={() => void save()}
        >
          Save
        </Button>
        <Button disabled={isBusy} onClick={() => void test()}>
          Test connection
        </Button>
        <Button onClick={onDone}>Cancel</Button>
        {!isNew && <Button onClick={() => void remove()}>Delete profile</Button>}
      </div>
    </Card>
  );
}
