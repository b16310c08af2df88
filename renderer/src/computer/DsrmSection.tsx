import {
  Body1,
  Divider,
  Field,
  MessageBar,
  MessageBarBody,
  Subtitle2,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { formatLapsTime } from '../format.js';
import type { ComputerDetails } from '../store/computer-slice.js';
import { PasswordSection, type OnPermissionProblem } from './PasswordSection.js';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  value: { fontWeight: tokens.fontWeightSemibold },
});

export const DSRM_LABEL = 'DSRM administrator password';

/**
 * A domain controller's Directory Services Restore Mode password, which Windows LAPS backs up
 * encrypted only: the same panel as the LAPS password (Show, Copy, QR, History), decrypted in main.
 */
export function DsrmSection({
  details,
  hasShortcuts,
  onPermissionProblem,
}: {
  details: ComputerDetails;
  hasShortcuts: boolean;
  onPermissionProblem: OnPermissionProblem;
}) {
  const styles = useStyles();
  return (
    <section className={styles.section} aria-label="Directory Services Restore Mode">
      <Divider />
      <Subtitle2>Directory Services Restore Mode (DSRM)</Subtitle2>
      {details.dsrm ? (
        <>
          <PasswordSection
            details={details}
            source={undefined}
            target="dsrm"
            label={DSRM_LABEL}
            hasShortcuts={hasShortcuts}
            onPermissionProblem={onPermissionProblem}
          />
          <Field label="DSRM password update time">
            <Body1 className={styles.value}>{formatLapsTime(details.dsrm.updated)}</Body1>
          </Field>
        </>
      ) : (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>
            No DSRM password to show: Windows LAPS has not backed one up for this domain controller,
            or you may not read msLAPS-EncryptedDSRMPassword (Domain Admins can).
          </MessageBarBody>
        </MessageBar>
      )}
    </section>
  );
}
