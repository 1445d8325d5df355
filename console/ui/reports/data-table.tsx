// A chart's data as a table (what screen readers read; the chart itself is hidden from them), with
// the download of the same table as CSV. The rows come from common/report-tables.ts, the one
// place that cuts them, so the table and its CSV never differ.
import type { ReportPeriod, ReportTable, ReportView } from '../../../common/report-wire.ts';
import { reportRows, type Cell } from '../../../common/report-tables.ts';
import { reportCsvUrl } from '../../api.ts';

interface DataTableProps {
  caption: string;
  report: ReportView;
  period: ReportPeriod;
  table: ReportTable;
  /** Only these columns of the table (by index), for a chart that draws a few of the daily ones. */
  columns?: number[];
}

const shown = (cell: Cell) => (cell === null ? '—' : typeof cell === 'number' ? cell.toLocaleString('en') : cell);

export function DataTable({ caption, report, period, table, columns }: DataTableProps) {
  const [header = [], ...rows] = reportRows(report, table).map((row) => (columns ? columns.map((i) => row[i] ?? null) : row));
  return (
    <>
      {/* Its own name: the section around it is already a region named by the same title. */}
      <div class="table-wrap report-table" role="region" aria-label={`${caption}, the data as a table (scrolls)`} tabIndex={0}>
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              {header.map((cell, i) => (
                <th scope="col" key={i}>
                  {shown(cell)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, r) => (
              <tr key={r}>
                {row.map((cell, i) =>
                  i === 0 ? (
                    <th scope="row" key={i}>
                      {shown(cell)}
                    </th>
                  ) : (
                    <td key={i}>{shown(cell)}</td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length === 0 && <p class="muted">Nothing was counted in this period.</p>}
      <a class="button" href={reportCsvUrl(period, table)} download>
        Download “{caption}” as CSV
      </a>
    </>
  );
}
