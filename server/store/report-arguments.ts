// Argument checks of the report side of the store (report-store.ts), shared by both adapters.
import { storeError } from './errors.ts';
import { idString } from './arguments.ts';
import type { ReportQuery } from './report-store.ts';
import { isCalendarDay } from '../../common/report-wire.ts';

function checkDay(name: string, day: unknown): string {
  if (typeof day !== 'string' || !isCalendarDay(day)) throw storeError('invalid_argument', `${name} must be a day as YYYY-MM-DD`);
  return day;
}

export function reportQuery(query: ReportQuery): ReportQuery {
  return {
    bots: Array.isArray(query.bots) ? [...new Set(query.bots.map(idString))] : [],
    from: checkDay('from', query.from),
    to: checkDay('to', query.to),
  };
}
