import type { StateCreator } from 'zustand';
import type { LapsApi } from '../../../shared/ipc/api.js';
import type { AuditRecordView, AuditVerifyView } from '../../../shared/ipc/contract.js';
import type { IpcErrorInfo } from '../../../shared/ipc/result.js';
import type { ConsoleState } from './store.js';

export const AUDIT_VIEW_LIMIT = 500;

export interface AuditSlice {
  /** Newest first, as audit.list gives them. */
  readonly auditRecords: readonly AuditRecordView[];
  readonly auditSkippedLines: number;
  readonly auditVerification: AuditVerifyView | null;
  readonly auditStatus: 'idle' | 'loading' | 'ready' | 'failed';
  readonly auditError: IpcErrorInfo | null;
  loadAudit: () => Promise<void>;
}

export const createAuditSlice =
  (api: LapsApi): StateCreator<ConsoleState, [], [], AuditSlice> =>
  (set) => ({
    auditRecords: [],
    auditSkippedLines: 0,
    auditVerification: null,
    auditStatus: 'idle',
    auditError: null,
    async loadAudit() {
      set({ auditStatus: 'loading', auditError: null });
      const [list, verify] = await Promise.all([
        api.audit.list({ limit: AUDIT_VIEW_LIMIT }),
        api.audit.verify({}),
      ]);
      if (!list.ok) return set({ auditStatus: 'failed', auditError: list.error });
      if (!verify.ok) return set({ auditStatus: 'failed', auditError: verify.error });
      set({
        auditRecords: list.value.records,
        auditSkippedLines: list.value.skippedLines,
        auditVerification: verify.value,
        auditStatus: 'ready',
      });
    },
  });
