/**
 * The editor's side of the audit log: the decisions it shows (diagnostics and lenses when a document
 * is published, the call under a hover) go to the file the user settings name, unless they turn it off.
 */
import { AuditLog, buildAuditRecords, resolveAuditFile } from '../audit/audit-log';
import type { ClearanceSettings } from '../config/settings';
import type { DecidedCall } from '../decision/scan';
import { isSuppressed } from '../decision/suppression';
import type { Identity } from '../identity';

/** Writes the editor's audit records, one log per configured file. */
export class EditorAudit {
  private log: AuditLog | undefined;

  /** Records the decisions of `calls` that the editor shows; returns a write error to report, if any. */
  record(
    calls: DecidedCall[],
    identity: Identity,
    settings: ClearanceSettings,
    root: string,
  ): string | undefined {
    if (!settings.audit.enabled) return undefined;
    const file = resolveAuditFile(settings.audit.file);
    if (this.log?.file !== file) this.log = new AuditLog(file);
    const shown = calls.filter((c) => !isSuppressed(c.call));
    const records = buildAuditRecords(shown, identity, 'editor', root, new Date());
    const before = this.log.lastError;
    this.log.append(records);
    const error = this.log.lastError;
    return error && error !== before ? error : undefined;
  }
}
