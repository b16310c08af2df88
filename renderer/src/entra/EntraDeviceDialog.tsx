import {
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Divider,
  Spinner,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import { ErrorBar } from '../errors/ErrorBar.js';
import { showBidiControls } from '../format.js';
import { useConsole } from '../store/index.js';
import type { EntraDevice } from '../store/entra-slice.js';
import { EntraDeviceFacts } from './EntraDeviceFacts.js';
import { EntraPasswordSection } from './EntraPasswordSection.js';
import { RotateConfirmDialog, RotationProgress } from './EntraRotation.js';
import { GraphWaitNote } from './GraphWaitNote.js';

const useStyles = makeStyles({
  surface: { width: '760px', maxWidth: 'calc(100vw - 48px)' },
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  muted: { color: tokens.colorNeutralForeground3 },
});

/**
 * A device's panel, opened from the search: its directory record, its LAPS password (the shared
 * panel) with History, and Rotate. Escape or Close closes it, and the password goes with it.
 */
export function EntraDeviceDialog() {
  const device = useConsole((state) => state.entraDevice);
  const close = useConsole((state) => state.closeEntraDevice);
  return (
    <Dialog open={device !== null} onOpenChange={(_event, data) => !data.open && close()}>
      {device ? <DeviceSurface key={device.deviceId} device={device} /> : <></>}
    </Dialog>
  );
}

function DeviceSurface({ device }: { device: EntraDevice }) {
  const styles = useStyles();
  const details = useConsole((state) => state.entraDeviceDetails);
  const status = useConsole((state) => state.entraDeviceStatus);
  const error = useConsole((state) => state.entraDeviceError);
  const close = useConsole((state) => state.closeEntraDevice);
  const rotate = useConsole((state) => state.rotateEntraDevice);
  const isRotationHere = useConsole((state) => state.entraRotation?.deviceId === device.deviceId);
  const [isConfirming, setConfirming] = useState(false);
  const [isHistoryOpen, setHistoryOpen] = useState(false);
  const name = showBidiControls(device.deviceName);

  return (
    <DialogSurface className={styles.surface} aria-label={`${name} (Entra ID)`}>
      <DialogBody>
        <DialogTitle>{name}</DialogTitle>
        <DialogContent className={styles.content}>
          <Caption1 className={styles.muted}>Microsoft Entra ID device</Caption1>
          {status === 'loading' && <Spinner size="small" label="Reading the device…" />}
          {status === 'loading' && <GraphWaitNote />}
          {error && <ErrorBar title={`Cannot read ${name}`} error={error} />}
          <EntraDeviceFacts device={device} details={details} />
          <Divider />
          {/* A new backup (after a rotation) starts masked: the password shown is no longer it. */}
          <EntraPasswordSection
            key={device.lastBackupDateTime ?? 'none'}
            device={device}
            hasShortcuts={!isConfirming && !isHistoryOpen}
            onHistoryOpenChange={setHistoryOpen}
            actions={<Button onClick={() => setConfirming(true)}>Rotate…</Button>}
          />
          {isRotationHere && <RotationProgress />}
        </DialogContent>
        <DialogActions>
          <Button appearance="primary" onClick={close}>
            Close
          </Button>
        </DialogActions>
      </DialogBody>
      <RotateConfirmDialog
        device={device}
        isOpen={isConfirming}
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          void rotate(device);
        }}
      />
    </DialogSurface>
  );
}
