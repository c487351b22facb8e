/**
 * The editor's side of the audit log: the decisions it shows (diagnostics and lenses when a document
 * is published, the call under a hover) go to the file the user settings name, unless they turn it
 * off. Records are taken at once and written asynchronously (`AuditLog.queue`): a hover or a publish
 * never waits on the disk.
 */
import { AuditLog, buildAuditRecords, resolveAuditFile } from '../audit/audit-log';
import type { ClearanceSettings } from '../config/settings';
import type { DecidedCall } from '../decision/scan';
import { isSuppressed } from '../decision/suppression';
import type { Identity } from '../identity';

/** Writes the editor's audit records, one log per configured file. */
export class EditorAudit {
  private log: AuditLog | undefined;

  /** `onError` hears each new write error once. */
  constructor(private readonly onError: (message: string) => void) {}

  /** Takes the decisions of `calls` that the editor shows, to be appended to the log. */
  record(calls: DecidedCall[], identity: Identity, settings: ClearanceSettings, root: string): void {
    if (!settings.audit.enabled) return;
    const file = resolveAuditFile(settings.audit.file);
    if (this.log?.file !== file) this.log = new AuditLog(file, this.onError);
    const shown = calls.filter((c) => !isSuppressed(c.call));
    if (shown.length === 0) return;
    this.log.queue(buildAuditRecords(shown, identity, 'editor', root, new Date()));
  }

  /** Resolves when every record taken so far is written (at shutdown). */
  flush(): Promise<void> {
    return this.log?.flush() ?? Promise.resolve();
  }
}
