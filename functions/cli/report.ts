/**
 * @module Human reports of the CLI: the per-source poll table and the digest summary.
 */
import type { DigestReport } from '../../shared/services/digest.ts';
import type { PollReport } from '../../shared/services/poll.ts';

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

export function pollReportText(report: PollReport): string {
  const rows = report.sources.map((source) => [
    source.id,
    source.status,
    source.httpStatus === null ? '-' : String(source.httpStatus),
    String(source.items),
    String(source.newItems),
    String(source.updatedItems),
    String(source.alerts),
    source.error ?? '',
  ]);
  const failed = report.sources.filter((source) => source.status === 'failed').length;
  const summary = `${report.sources.length} source(s) polled in ${(report.durationMs / 1000).toFixed(1)} s: ${report.alerts.length} new alert(s)${failed > 0 ? `, ${failed} failed` : ''}`;
  return `${table(['source', 'status', 'http', 'items', 'new', 'updated', 'alerts', 'error'], rows)}\n\n${summary}\n`;
}

export function digestReportText(report: DigestReport, frequency: string, dryRun: boolean): string {
  const lines: string[] = [];
  const verb = dryRun ? 'would send' : 'sent';
  for (const sent of report.sent) {
    lines.push(
      `${verb}  ${sent.email}  ${sent.alerts} alert(s)${sent.messageId ? `  ${sent.messageId}` : ''}`,
    );
  }
  for (const failed of report.failed) lines.push(`failed  ${failed.email}  ${failed.error}`);
  lines.push(
    `${frequency} digest${dryRun ? ' (dry run)' : ''}: ${report.sent.length} ${verb}, ${report.failed.length} failed, ${report.skipped} with nothing new`,
  );
  return `${lines.join('\n')}\n`;
}
