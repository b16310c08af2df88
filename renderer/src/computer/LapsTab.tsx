import {
  Badge,
  Body1,
  Button,
  Caption1,
  DialogActions,
  DialogContent,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useState, type ReactNode } from 'react';
import type { IpcErrorInfo } from '../../../shared/ipc/result.js';
import { ErrorBar } from '../errors/ErrorBar.js';
import { formatDecryptor, formatLapsTime, SOURCE_LABELS } from '../format.js';
import { EntraHybridSection } from '../entra/EntraHybridSection.js';
import { useConsole } from '../store/index.js';
import type { ComputerDetails, LapsSource } from '../store/computer-slice.js';
import {
  ExpiryConfirmDialog,
  describePendingExpiry,
  type PendingExpiry,
} from './ExpiryConfirmDialog.js';
import { isExpired, localDateTimeToInstant } from './expiry.js';
import { DsrmSection } from './DsrmSection.js';
import { HistoryDialog } from './HistoryDialog.js';
import { PasswordSection, SourcePicker, type OnPermissionProblem } from './PasswordSection.js';

const useStyles = makeStyles({
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  row: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  value: { fontWeight: tokens.fontWeightSemibold },
  expired: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
  pending: { color: tokens.colorBrandForeground1 },
});

type AfterConfirm = 'stay' | 'close';

/** ADUC's LAPS tab, field by field, with OK / Cancel / Apply. */
export function LapsTab({
  details,
  onPermissionProblem,
  children,
}: {
  details: ComputerDetails;
  onPermissionProblem: OnPermissionProblem;
  children: ReactNode;
}) {
  const styles = useStyles();
  const close = useConsole((state) => state.closeComputerProperties);
  const isHistoryOpen = useConsole((state) => state.passwordHistory !== null);
  // The keyboard shortcuts go to the DSRM password on a DC that has no other LAPS password.
  const isDsrmOnly =
    details.dsrm !== null && details.flavours.length === 0 && details.hiddenSources.length === 0;
  const setExpiration = useConsole((state) => state.setExpiration);
  const [source, setSource] = useState<LapsSource | undefined>(details.flavours[0]?.source);
  const [date, setDate] = useState('');
  const [time, setTime] = useState('');
  const [isExpireNow, setExpireNow] = useState(false);
  const [confirming, setConfirming] = useState<{
    pending: PendingExpiry;
    then: AfterConfirm;
  } | null>(null);
  const onAccount = useCallback(
    (account: string | null) => {
      if (source) setRevealedAccount({ source, account });
    },
    [source],
  );
  const [isWriting, setWriting] = useState(false);
  const [written, setWritten] = useState<string | null>(null);
  const [writeError, setWriteError] = useState<IpcErrorInfo | null>(null);
  // Per flavour: an encrypted password's account is inside it, named once it is decrypted.
  const [revealedAccount, setRevealedAccount] = useState<{
    source: LapsSource;
    account: string | null;
  } | null>(null);

  const flavour = details.flavours.find((candidate) => candidate.source === source);
  // Each flavour has its own expiration attribute: show the one of the password picked.
  const current =
    (flavour?.source === 'legacy' ? details.expiration.legacy : details.expiration.windowsLaps) ??
    details.expiration.windowsLaps ??
    details.expiration.legacy;
  const other =
    details.expiration.windowsLaps !== null && details.expiration.legacy !== null
      ? flavour?.source === 'legacy'
        ? { label: 'Windows LAPS', value: details.expiration.windowsLaps }
        : { label: 'Legacy LAPS', value: details.expiration.legacy }
      : null;
  const isCurrentExpired = isExpired(current, new Date());
  const chosenAt = localDateTimeToInstant({ date, time });
  const pending: PendingExpiry | null = isExpireNow
    ? { kind: 'now' }
    : chosenAt !== null
      ? { kind: 'at', at: chosenAt }
      : null;
  const hasAnyLaps =
    details.flavours.length > 0 || details.hiddenSources.length > 0 || current !== null;

  const apply = (then: AfterConfirm) => {
    if (pending) setConfirming({ pending, then });
    else if (then === 'close') close();
  };

  const confirm = async () => {
    if (!confirming) return;
    setWriting(true);
    setWriteError(null);
    const result = await setExpiration(
      confirming.pending.kind === 'now' ? null : confirming.pending.at,
    );
    setWriting(false);
    const { then } = confirming;
    setConfirming(null);
    if (!result.ok) {
      if (result.error.code === 'access-denied') onPermissionProblem(result.error, null);
      else setWriteError(result.error);
      return;
    }
    setWritten(result.value.expires);
    setDate('');
    setTime('');
    setExpireNow(false);
    if (then === 'close') close();
  };

  return (
    <>
      <DialogContent className={styles.content}>
        {children}
        <Field label="LAPS flavour">
          <div className={styles.row}>
            {details.flavours.map((candidate) => (
              <Badge key={candidate.source} appearance="tint" color="brand">
                {SOURCE_LABELS[candidate.source]}
              </Badge>
            ))}
            {details.hiddenSources.map((hidden) => (
              <Badge key={hidden} appearance="tint" color="warning">
                {hidden === 'legacy' ? 'Legacy LAPS' : 'Windows LAPS'}: you may not read it
              </Badge>
            ))}
            {details.dsrm && (
              <Badge appearance="tint" color="brand">
                DSRM (encrypted)
              </Badge>
            )}
            {!hasAnyLaps && <Body1>None: no LAPS password on this computer</Body1>}
          </div>
        </Field>
        {details.flavours.length === 0 && details.hiddenSources.length > 0 && (
          <MessageBar intent="warning" layout="multiline">
            <MessageBarBody>
              <MessageBarTitle>A LAPS password exists, but you may not read it</MessageBarTitle>
              Show password says which right is missing.
            </MessageBarBody>
          </MessageBar>
        )}
        <SourcePicker details={details} source={source} onChange={setSource} />
        <Field label="Current LAPS password expiration">
          <div className={styles.row}>
            <Body1 className={isCurrentExpired ? styles.expired : styles.value}>
              {formatLapsTime(current)}
            </Body1>
            {isCurrentExpired && (
              <Badge appearance="filled" color="danger">
                Expired: the device has not rotated it yet
              </Badge>
            )}
          </div>
          {other && (
            <Caption1>
              {other.label}: {formatLapsTime(other.value)}
              {isExpired(other.value, new Date()) ? ' (expired)' : ''}
            </Caption1>
          )}
        </Field>
        {written !== null && (
          <MessageBar intent="success">
            <MessageBarBody>
              Expiration set. The directory now holds: {formatLapsTime(written)}
            </MessageBarBody>
          </MessageBar>
        )}
        {writeError && <ErrorBar title="The expiration was not changed" error={writeError} />}
        <Field
          label="Set new LAPS password expiration"
          hint={
            pending
              ? `On Apply or OK, after you confirm: expires ${describePendingExpiry(pending)}.`
              : 'Your local time. Nothing changes until Apply or OK.'
          }
        >
          <div className={styles.row}>
            <Input
              type="date"
              aria-label="New expiration date"
              value={date}
              disabled={isExpireNow || !hasAnyLaps}
              onChange={(_event, data) => setDate(data.value)}
            />
            <Input
              type="time"
              aria-label="New expiration time"
              value={time}
              disabled={isExpireNow || !hasAnyLaps}
              onChange={(_event, data) => setTime(data.value)}
            />
            <Button
              onClick={() => setExpireNow(!isExpireNow)}
              disabled={!hasAnyLaps}
              aria-pressed={isExpireNow}
            >
              {isExpireNow ? 'Undo Expire now' : 'Expire now'}
            </Button>
          </div>
        </Field>
        {/* A DC's LAPS policy backs up its DSRM password only: no local admin account here. */}
        {!isDsrmOnly && (
          <>
            <Field label="LAPS local admin account name">
              <Body1 className={styles.value}>
                {flavour?.account ??
                  (revealedAccount?.source === flavour?.source ? revealedAccount?.account : null) ??
                  (flavour?.source === 'legacy'
                    ? 'Not recorded by legacy LAPS (usually the built-in Administrator)'
                    : flavour?.source === 'windows-laps-encrypted'
                      ? 'Inside the encrypted password'
                      : '—')}
              </Body1>
            </Field>
            <PasswordSection
              key={source ?? 'none'}
              details={details}
              source={source}
              hasShortcuts={!isHistoryOpen && !isDsrmOnly}
              onPermissionProblem={onPermissionProblem}
              onAccount={onAccount}
            />
            <Field label="LAPS password update time">
              <Body1 className={styles.value}>{formatLapsTime(flavour?.updated ?? null)}</Body1>
            </Field>
          </>
        )}
        {details.isDomainController && (
          <DsrmSection
            details={details}
            hasShortcuts={!isHistoryOpen && isDsrmOnly}
            onPermissionProblem={onPermissionProblem}
          />
        )}
        <EntraHybridSection
          computerName={details.computer.name}
          hasShortcuts={!isHistoryOpen && !hasAnyLaps && !details.dsrm}
        />
      </DialogContent>
      <DialogActions>
        <Button appearance="primary" onClick={() => apply('close')}>
          OK
        </Button>
        <Button onClick={close}>Cancel</Button>
        <Button onClick={() => apply('stay')} disabled={pending === null}>
          Apply
        </Button>
      </DialogActions>
      <HistoryDialog
        computer={details.computer.name}
        decryptor={(target) => {
          const encryption = target === 'dsrm' ? details.dsrm : (flavour?.encryption ?? null);
          return encryption ? formatDecryptor(encryption.decryptor) : null;
        }}
        onPermissionProblem={onPermissionProblem}
      />
      <ExpiryConfirmDialog
        computer={details.computer.name}
        pending={confirming?.pending ?? null}
        isWriting={isWriting}
        onConfirm={() => void confirm()}
        onCancel={() => setConfirming(null)}
      />
    </>
  );
}
