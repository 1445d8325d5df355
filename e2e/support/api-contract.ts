// Every answer a page of an e2e test receives from Parley's API is held to the OpenAPI document by
// the same checker as the vitest suites (test/helpers/api-contract.ts): the default context and
// every context the test opens itself (browser `context` event) are watched from the start, and
// fixtures.ts fails the test that received an undocumented status, media type or field.
import type { Browser, BrowserContext, Response } from '@playwright/test';
import { contractProblems } from '../../test/helpers/api-contract.ts';
import { isCheckedUrl } from '../../test/helpers/contract-problems.ts';

export interface ContractWatch {
  /** The problems found so far, once the answers still being read are checked; the list is emptied. */
  take(): Promise<string[]>;
  /** Stops watching contexts opened from now on. */
  stop(): void;
}

/** The body, or null when the browser cannot give it (a redirect's, or the page or context closed first). */
async function bodyOf(response: Response): Promise<string | null> {
  if (response.request().method() === 'HEAD') return '';
  return response.text().catch(() => null);
}

async function check(response: Response): Promise<string[]> {
  const headers = await response.allHeaders().catch(() => response.headers());
  return contractProblems({
    method: response.request().method(),
    url: response.url(),
    status: response.status(),
    contentType: headers['content-type'] ?? null,
    body: await bodyOf(response),
    headers: new Set(Object.keys(headers)),
    allow: headers.allow ?? null,
  });
}

export function watchApiAnswers(browser: Browser, context: BrowserContext): ContractWatch {
  const problems: string[] = [];
  const pending = new Set<Promise<void>>();
  const onResponse = (response: Response): void => {
    if (!isCheckedUrl(new URL(response.url()))) return;
    const checking: Promise<void> = check(response)
      .then((found) => void problems.push(...found))
      .finally(() => pending.delete(checking));
    pending.add(checking);
  };
  const watch = (ctx: BrowserContext): void => void ctx.on('response', onResponse);
  watch(context);
  browser.on('context', watch);
  return {
    async take() {
      await Promise.all(pending);
      return problems.splice(0, problems.length);
    },
    stop: () => void browser.off('context', watch),
  };
}
