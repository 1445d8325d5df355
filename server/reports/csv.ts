// One table of a report as CSV (RFC 4180: comma-separated, CRLF, fields with a comma, quote or
// line break quoted), the same rows the console's table shows (common/report-tables.ts). A cell
// that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) starts with an apostrophe
// instead: intent and bot names come from definitions, not visitors, but a CSV opened in a
// spreadsheet must never be a way to run anything.
import type { ReportTable, ReportView } from '../../common/report-wire.ts';
import { reportRows, type Cell } from '../../common/report-tables.ts';

function cell(value: Cell): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function reportCsv(report: ReportView, table: ReportTable): string {
  return reportRows(report, table)
    .map((row) => row.map(cell).join(',') + '\r\n')
    .join('');
}
