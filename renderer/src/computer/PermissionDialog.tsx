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
 * not-authorized-to-decrypt is another matter (reading worked; the key service refused the key),
 * so it has its own title and advice, naming the group whose members may decrypt.
 */
export function PermissionDialog({
  error,
  decryptor,
  computer,
  onClose,
}: {
  error: IpcErrorInfo | null;
  /** The authorized decryptor, as the UI names it, when the error is about decrypting. */
  decryptor: string | null;
  computer: string;
  onClose: () => void;
}) {
  const styles = useStyles();
  const isDecrypt = error?.code === 'not-authorized-to-decrypt';
  return (
    <Dialog open={error !== null} onOpenChange={(_event, data) => !data.open && onClose()}>
      <DialogSurface aria-describedby="permission-message">
        <DialogBody>
          <DialogTitle>{isDecrypt ? 'Not authorized to decrypt' : 'Permission needed'}</DialogTitle>
          <DialogContent className={styles.content}>
            <MessageBar intent="warning" layout="multiline">
              <MessageBarBody id="permission-message" className={styles.message}>
                {error?.message}
              </MessageBarBody>
            </MessageBar>
            {isDecrypt ? (
              <Body1>
                {computer}&apos;s password is encrypted to{' '}
                <strong>{decryptor ?? 'the group named above'}</strong>. Decrypting it takes your
                account in that group and a key service that holds the KDS root key it was encrypted
                with: the sentence above says which is missing. Pass it on to a directory admin, or
                ask a member of that group.
              </Body1>
            ) : (
              <Body1>
                Ask a directory admin to grant your account that right on {computer}&apos;s
                organizational unit, or ask someone who already has it. Give them the sentence
                above: it names the right and the attribute.
              </Body1>
            )}
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
