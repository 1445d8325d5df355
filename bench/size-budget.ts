// What visitors download, gzip, against its budget (issue 17): the host-page loader and the chat
// frame's own JS. One home for the budgets and the measuring: bench/size.ts prints them and
// e2e/size-budget.spec.ts fails `npm test` over budget (it runs after the build).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The loader runs in every host page, clicked or not: every byte there is paid by every visit. */
export const LOADER_BUDGET = 3 * 1024;
export const FRAME_BUDGET = 45 * 1024;

export interface Sizes {
  loader: number;
  frameJs: number;
  frameCss: number;
}

const gzipSize = (file: string): number => gzipSync(readFileSync(file), { level: 9 }).length;

/** Gzip sizes of a build; throws when `dist` holds none. */
export function measureSizes(dist: string): Sizes {
  const assets = join(dist, 'assets');
  const files = readdirSync(assets);
  const total = (ext: string) => files.filter((f) => f.endsWith(ext)).reduce((sum, f) => sum + gzipSize(join(assets, f)), 0);
  return { loader: gzipSize(join(dist, 'widget.js')), frameJs: total('.js'), frameCss: total('.css') };
}
