import {
  Button,
  Caption1,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Title2,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useEffect } from 'react';
import type { AuditRecordView, AuditVerifyView } from '../../../shared/ipc/contract.js';
import { ErrorBar } from '../errors/ErrorBar.js';
import { AUDIT_SOURCE_LABELS, formatLapsTime } from '../format.js';
import { useConsole } from '../store/index.js';

const useStyles = makeStyles({
  view: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  header: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM },
  title: { margin: 0, flexGrow: 1 },
  scroller: { maxHeight: 'calc(100vh - 300px)', overflowY: 'auto' },
  table: { tableLayout: 'fixed' },
  seq: { width: '56px' },
  when: { width: '190px' },
  what: { width: '34%' },
  // A UPN or a Graph URL has no space to break at: break anywhere rather than overlap.
  wrap: { overflowWrap: 'anywhere' },
  hash: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
});

// Seconds matter in an audit trail: two actions in one minute must be told apart.
const auditTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

const ACTIONS: Readonly<Record<AuditRecordView['action'], string>> = {
  reveal: 'Showed the password',
  copy: 'Copied the password',
  expire: 'Set the expiration',
  decrypt: 'Decrypted the password',
  rotate: 'Rotated the password',
  export: 'Exported',
};

/** The local audit log, newest first, with the hash chain's verdict above it. */
export function AuditView() {
  const styles = useStyles();
  const records = useConsole((state) => state.auditRecords);
  const skipped = useConsole((state) => state.auditSkippedLines);
  const verification = useConsole((state) => state.auditVerification);
  const status = useConsole((state) => state.auditStatus);
  const error = useConsole((state) => state.auditError);
  const loadAudit = useConsole((state) => state.loadAudit);

  useEffect(() => {
    void loadAudit();
  }, [loadAudit]);

  return (
    <section className={styles.view} aria-labelledby="audit-title">
      <div className={styles.header}>
        <Title2 as="h1" id="audit-title" className={styles.title}>
          Audit log
        </Title2>
        <Button onClick={() => void loadAudit()} disabled={status === 'loading'}>
          Refresh and verify
        </Button>
      </div>
      {status === 'loading' && <Spinner size="small" label="Reading and verifying the log…" />}
      {error && <ErrorBar title="The audit log could not be read" error={error} />}
      {verification && <Verdict verification={verification} />}
      {skipped > 0 && (
        <MessageBar intent="warning">
          <MessageBarBody>
            {skipped} {skipped === 1 ? 'line is' : 'lines are'} not a record and not listed.
          </MessageBarBody>
        </MessageBar>
      )}
      {status === 'ready' && records.length === 0 && (
        <MessageBar intent="info">
          <MessageBarBody>Nothing recorded yet.</MessageBarBody>
        </MessageBar>
      )}
      {records.length > 0 && (
        <div className={styles.scroller}>
          <Table aria-label="Audit records, newest first" size="small" className={styles.table}>
            <TableHeader>
              <TableRow>
                <TableHeaderCell className={styles.seq}>#</TableHeaderCell>
                <TableHeaderCell className={styles.when}>When</TableHeaderCell>
                <TableHeaderCell className={styles.what}>What</TableHeaderCell>
                <TableHeaderCell>Computer</TableHeaderCell>
                <TableHeaderCell>Who</TableHeaderCell>
                <TableHeaderCell>From</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {records.map((record) => (
                <TableRow key={record.seq}>
                  <TableCell>{record.seq}</TableCell>
                  <TableCell>{auditTime.format(new Date(record.time))}</TableCell>
                  <TableCell>
                    {ACTIONS[record.action]}
                    {record.source ? ` (${AUDIT_SOURCE_LABELS[record.source]})` : ''}
                    {record.action === 'expire' && record.detail
                      ? `: ${formatLapsTime(record.detail)}`
                      : ''}
                    {/* What was decrypted (which attribute, how many old passwords). */}
                    {record.action !== 'expire' && detailOf(record) && (
                      <Caption1 block>{detailOf(record)}</Caption1>
                    )}
                  </TableCell>
                  <TableCell title={record.dn}>{record.computer}</TableCell>
                  <TableCell className={styles.wrap}>
                    {record.actor.identity} ({record.actor.osUser})
                  </TableCell>
                  <TableCell className={styles.wrap}>
                    {record.app} · {record.actor.server ?? '—'}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </section>
  );
}

/** The detail to show: an Entra record's leading "entra" says what "(Entra ID)" already said. */
function detailOf(record: AuditRecordView): string {
  const detail = record.detail ?? '';
  return record.source === 'entra' ? detail.replace(/^entra(?:, |$)/, '') : detail;
}

function Verdict({ verification }: { verification: AuditVerifyView }) {
  const styles = useStyles();
  if (verification.ok)
    return (
      <MessageBar intent="success" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>The chain verifies</MessageBarTitle>
          {verification.records} records, none removed or edited. Last hash:{' '}
          <span className={styles.hash}>{verification.lastHash}</span>
        </MessageBarBody>
      </MessageBar>
    );
  const { problem } = verification;
  return (
    <MessageBar intent="error" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>
          The chain is broken{problem.line !== null ? ` at line ${problem.line}` : ''} (
          {problem.kind})
        </MessageBarTitle>
        {problem.message} {verification.records} records before it are intact.
      </MessageBarBody>
    </MessageBar>
  );
}
