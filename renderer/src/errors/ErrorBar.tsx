import {
  Badge,
  Body1,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
} from '@fluentui/react-components';

/** An ErrorInfo as the user reads it: its sentence first, the code as a small badge for support. */
export function ErrorBar({
  title,
  error,
}: {
  title: string;
  error: { code: string; message: string };
}) {
  return (
    <MessageBar intent="error" layout="multiline">
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
