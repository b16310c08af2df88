import {
  Body1,
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  MessageBar,
  MessageBarBody,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import type { IpcErrorInfo } from '../../../shared/ipc/result.js';

const useStyles = makeStyles({
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  message: { fontSize: tokens.fontSizeBase400, lineHeight: tokens.lineHeightBase400 },
});

/**
 * access-denied: the core's sentence names the right and the attribute (and the cmdlet that
 * grants it), which is exactly what the user must pass on to an admin, so it is the dialog's body.
 */
export function PermissionDialog({
  error,
  computer,
  onClose,
}: {
  error: IpcErrorInfo | null;
  computer: string;
  onClose: () => void;
}) {
  const styles = useStyles();
  return (
    <Dialog open={error !== null} onOpenChange={(_event, data) => !data.open && onClose()}>
      <DialogSurface aria-describedby="permission-message">
        <DialogBody>
          <DialogTitle>Permission needed</DialogTitle>
          <DialogContent className={styles.content}>
            <MessageBar intent="warning" layout="multiline">
              <MessageBarBody id="permission-message" className={styles.message}>
                {error?.message}
              </MessageBarBody>
            </MessageBar>
            <Body1>
              Ask a directory admin to grant your account that right on {computer}&apos;s
              organizational unit, or ask someone who already has it. Give them the sentence above:
              it names the right and the attribute.
            </Body1>
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" onClick={onClose}>
              Close
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
