import {
  Body1,
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
} from '@fluentui/react-components';
import { formatLapsTime } from '../format.js';

/** What Apply or OK will write: a chosen instant, or now. */
export type PendingExpiry = { readonly kind: 'now' } | { readonly kind: 'at'; readonly at: string };

export function describePendingExpiry(pending: PendingExpiry): string {
  return pending.kind === 'now' ? 'now' : formatLapsTime(pending.at);
}

export function ExpiryConfirmDialog({
  computer,
  pending,
  isWriting,
  onConfirm,
  onCancel,
}: {
  computer: string;
  pending: PendingExpiry | null;
  isWriting: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Dialog
      open={pending !== null}
      modalType="alert"
      onOpenChange={(_event, data) => !data.open && onCancel()}
    >
      <DialogSurface>
        <DialogBody>
          <DialogTitle>Change the LAPS password expiration?</DialogTitle>
          <DialogContent>
            {pending && (
              <Body1>
                {pending.kind === 'now'
                  ? `${computer}'s LAPS password will expire now: the device sets a new password the next time it processes its LAPS policy (usually within the hour), and the current one stops working then.`
                  : `${computer}'s LAPS password will expire ${describePendingExpiry(pending)} (your local time): the device sets a new password at its first LAPS policy run after that.`}
              </Body1>
            )}
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" onClick={onConfirm} disabled={isWriting}>
              {isWriting ? 'Setting…' : 'Set expiration'}
            </Button>
            <Button onClick={onCancel} disabled={isWriting}>
              Don&apos;t change
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
