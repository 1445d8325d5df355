// Size budget of what visitors download (bench/size-budget.ts), printed. Run after `npm run build`;
// exits non-zero when the loader or the frame's JS is over budget.
import { FRAME_BUDGET, LOADER_BUDGET, measureSizes, type Sizes } from './size-budget.ts';

function report(name: string, bytes: number, budget: number): boolean {
  const ok = bytes <= budget;
  console.log(`${name.padEnd(22)} ${(bytes / 1024).toFixed(2).padStart(7)} KB gzip  budget ${(budget / 1024).toFixed(0)} KB  ${ok ? 'ok' : 'OVER'}`);
  return ok;
}

let sizes: Sizes;
try {
  sizes = measureSizes(new URL('../dist/', import.meta.url).pathname);
} catch {
  console.error('dist/ not found: run `npm run build` first');
  process.exit(2);
}
const loaderOk = report('widget.js (loader)', sizes.loader, LOADER_BUDGET);
const frameOk = report('frame JS (all chunks)', sizes.frameJs, FRAME_BUDGET);
console.log(`${'frame CSS'.padEnd(22)} ${(sizes.frameCss / 1024).toFixed(2).padStart(7)} KB gzip  (no budget)`);
process.exit(loaderOk && frameOk ? 0 : 1);
