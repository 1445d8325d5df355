// Fails a test on any CSP / Trusted Types violation (host page or chat frame) and on any dialog
// (alert/confirm/prompt: the classic proof of executed script). The listener is installed as an
// init script in every frame, and reports through a binding, which CSP cannot block.
import type { BrowserContext } from '@playwright/test';

export interface Violation {
  frame: string;
  directive: string;
  blocked: string;
  sample: string;
}

export interface Guard {
  violations: Violation[];
  dialogs: string[];
  /** Console lines about CSP or Trusted Types, as a second witness. */
  consoleErrors: string[];
}

declare global {
  interface Window {
    __parleyViolation?: (v: Omit<Violation, 'frame'>) => void;
  }
}

export async function installGuard(context: BrowserContext): Promise<Guard> {
  const guard: Guard = { violations: [], dialogs: [], consoleErrors: [] };
  await context.exposeBinding('__parleyViolation', (source, v: Omit<Violation, 'frame'>) => {
    guard.violations.push({ frame: source.frame.url(), ...v });
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__parleyViolation?.({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample });
    });
  });
  const watch = (page: import('@playwright/test').Page): void => {
    page.on('dialog', (dialog) => {
      guard.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss().catch(() => {});
    });
    page.on('console', (msg) => {
      if (/Content Security Policy|Trusted Type/i.test(msg.text())) guard.consoleErrors.push(msg.text());
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return guard;
}
