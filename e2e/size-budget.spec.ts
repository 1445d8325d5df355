// The size rows of issue 17 as a check of `npm test`: the build it runs after must stay within
// budget (bench/size-budget.ts), or the suite fails. Not a timing: sizes do not depend on the load.
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { FRAME_BUDGET, LOADER_BUDGET, measureSizes } from '../bench/size-budget.ts';

test('the loader and the frame JS stay within their gzip budgets', () => {
  const sizes = measureSizes(fileURLToPath(new URL('../dist/', import.meta.url)));
  expect(sizes.loader, `loader ${sizes.loader} B gzip, budget ${LOADER_BUDGET} B`).toBeLessThanOrEqual(LOADER_BUDGET);
  expect(sizes.frameJs, `frame JS ${sizes.frameJs} B gzip, budget ${FRAME_BUDGET} B`).toBeLessThanOrEqual(FRAME_BUDGET);
});
