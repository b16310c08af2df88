import { Body1, Divider, Spinner, Subtitle2, makeStyles, tokens } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { IpcErrorInfo } from '../../../shared/ipc/result.js';
import { ErrorBar } from '../errors/ErrorBar.js';
import { useConsole } from '../store/index.js';
import type { EntraDevice, EntraDeviceDetails } from '../store/entra-slice.js';
import { EntraDeviceFacts } from './EntraDeviceFacts.js';
import { EntraPasswordSection } from './EntraPasswordSection.js';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  muted: { color: tokens.colorNeutralForeground3 },
});

/** Beside the AD password of the same computer: named apart from it. */
export const ENTRA_PASSWORD_LABEL = 'LAPS local admin account password in Entra ID';

type Lookup =
  | { readonly status: 'looking' }
  | { readonly status: 'absent' }
  | { readonly status: 'failed'; readonly error: IpcErrorInfo }
  | {
      readonly status: 'found';
      readonly device: EntraDevice;
      readonly details: EntraDeviceDetails | null;
    };

/**
 * Hybrid: an AD computer's record in Entra ID, in its properties, when an Entra account is
 * signed in. Windows LAPS backs a device up to one directory, so the password may be here only.
 */
export function EntraHybridSection({
  computerName,
  hasShortcuts,
}: {
  computerName: string;
  /** When AD holds no password of this computer, the keyboard shortcuts act on this one. */
  hasShortcuts: boolean;
}) {
  const accountId = useConsole((state) => state.entraAccountId);
  if (accountId === null) return null;
  return <Lookup key={accountId} computerName={computerName} hasShortcuts={hasShortcuts} />;
}

function Lookup({ computerName, hasShortcuts }: { computerName: string; hasShortcuts: boolean }) {
  const styles = useStyles();
  const find = useConsole((state) => state.findEntraDevice);
  const username = useConsole(
    (state) =>
      state.entraAccounts.find((account) => account.accountId === state.entraAccountId)?.username,
  );
  const [lookup, setLookup] = useState<Lookup>({ status: 'looking' });

  useEffect(() => {
    let isCurrent = true;
    setLookup({ status: 'looking' });
    void find(computerName).then((result) => {
      if (!isCurrent) return;
      setLookup(
        !result.ok
          ? { status: 'failed', error: result.error }
          : result.value === null
            ? { status: 'absent' }
            : { status: 'found', ...result.value },
      );
    });
    return () => {
      isCurrent = false;
    };
  }, [find, computerName]);

  return (
    <section className={styles.section} aria-label="Entra ID">
      <Divider />
      <Subtitle2>Microsoft Entra ID</Subtitle2>
      {lookup.status === 'looking' && (
        <Spinner
          size="tiny"
          labelPosition="after"
          label={`Looking ${computerName} up in Entra ID…`}
        />
      )}
      {lookup.status === 'absent' && (
        <Body1 className={styles.muted}>
          Not in Entra ID: no device named {computerName} has a LAPS backup there (as {username}).
        </Body1>
      )}
      {lookup.status === 'failed' && (
        <ErrorBar title={`Cannot look ${computerName} up in Entra ID`} error={lookup.error} />
      )}
      {lookup.status === 'found' && (
        <>
          <EntraDeviceFacts device={lookup.device} details={lookup.details} />
          <EntraPasswordSection
            device={lookup.device}
            label={ENTRA_PASSWORD_LABEL}
            hasShortcuts={hasShortcuts}
          />
        </>
      )}
    </section>
  );
}
