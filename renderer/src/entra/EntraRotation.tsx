import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { ErrorBar } from '../errors/ErrorBar.js';
import { formatLapsTime, showBidiControls } from '../format.js';
import { useConsole } from '../store/index.js';
import { ROTATION_POLL_MS, type EntraDevice } from '../store/entra-slice.js';
import { GraphWaitNote } from './GraphWaitNote.js';

const useStyles = makeStyles({
  spinner: {
    display: 'inline-flex',
    verticalAlign: 'middle',
    marginLeft: tokens.spacingHorizontalS,
  },
});

/** Rotation happens on the device, not in the cloud: the confirmation says when. */
export function RotateConfirmDialog({
  device,
  isOpen,
  onConfirm,
  onCancel,
}: {
  device: EntraDevice;
  isOpen: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const name = showBidiControls(device.deviceName);
  return (
    <Dialog open={isOpen} onOpenChange={(_event, data) => !data.open && onCancel()}>
      <DialogSurface aria-label={`Rotate the password of ${name}?`}>
        <DialogBody>
          <DialogTitle>Rotate the password of {name}?</DialogTitle>
          <DialogContent>
            Intune asks the device to make a new local admin password. The device does it at its
            next check-in, which can take minutes or hours; until then the current password stays
            valid. The console then watches for the new backup.
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" onClick={onConfirm}>
              Rotate
            </Button>
            <Button onClick={onCancel} autoFocus>
              Cancel
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

const time = (iso: string | null) => (iso === null ? '—' : new Date(iso).toLocaleTimeString());

/** The rotation asked for and the watch for its backup, wherever the user is in the view. */
export function RotationProgress() {
  const styles = useStyles();
  const rotation = useConsole((state) => state.entraRotation);
  const checkNow = useConsole((state) => state.checkEntraRotation);
  const dismiss = useConsole((state) => state.dismissEntraRotation);
  if (!rotation) return null;
  const name = showBidiControls(rotation.deviceName);
  if (rotation.status === 'requesting')
    return (
      <div>
        <Spinner size="small" labelPosition="after" label={`Asking Intune to rotate ${name}…`} />
        <GraphWaitNote />
      </div>
    );
  if (rotation.status === 'request-failed' || rotation.status === 'watch-failed')
    return (
      <div role="group" aria-label="Rotation">
        <ErrorBar
          title={
            rotation.status === 'request-failed'
              ? `The rotation of ${name} was not requested`
              : `Watching ${name} for its new password stopped`
          }
          error={rotation.error ?? { code: 'unexpected', message: 'Try again.' }}
        />
        <Button size="small" onClick={dismiss}>
          Dismiss
        </Button>
      </div>
    );
  if (rotation.status === 'arrived')
    return (
      <MessageBar intent="success" layout="multiline" aria-live="polite">
        <MessageBarBody>
          <MessageBarTitle>New password backed up</MessageBarTitle>
          {name} backed up a new password at {formatLapsTime(rotation.newBackupDateTime)}.
        </MessageBarBody>
        <MessageBarActions>
          <Button size="small" onClick={dismiss}>
            Dismiss
          </Button>
        </MessageBarActions>
      </MessageBar>
    );
  return (
    <MessageBar intent="info" layout="multiline" aria-live="polite">
      <MessageBarBody>
        <MessageBarTitle>Waiting for {name} to back up a new password…</MessageBarTitle>
        Intune was asked at {time(rotation.requestedAt)}; the device rotates at its next check-in.
        The console looks every {ROTATION_POLL_MS / 1000} seconds
        {rotation.lastCheckedAt === null ? '' : `, last at ${time(rotation.lastCheckedAt)}`}.
        <Spinner size="extra-tiny" className={styles.spinner} />
      </MessageBarBody>
      <MessageBarActions>
        <Button size="small" onClick={() => void checkNow()}>
          Check now
        </Button>
        <Button size="small" onClick={dismiss}>
          Stop watching
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}
