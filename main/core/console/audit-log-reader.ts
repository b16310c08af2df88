// The console's view of the audit log: the hash-chained audit.jsonl that lapsctl and the console
// both append to, read back for the viewer and checked end to end.
import { readRecentAuditRecords, type AuditLogPaths } from '../audit/audit-log.js';
import { verifyAuditLog } from '../audit/audit-verify.js';
import type { AuditLogReader } from './ports.js';

export function fileAuditLogReader(paths: AuditLogPaths): AuditLogReader {
  return {
    recent: (limit) => readRecentAuditRecords(paths, limit),
    verify: () => verifyAuditLog(paths),
  };
}
