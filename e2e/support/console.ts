// The console's one-time-link and sign-in steps as a person does them, for the console specs.
import type { Page } from '@playwright/test';
import { expect } from './fixtures.ts';

/** Opens a set-password or reset link and chooses `password`; the fragment leaves the address bar. */
export async function choosePassword(page: Page, link: string, password: string): Promise<void> {
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1, name: 'Choose your password' })).toBeVisible();
  expect(new URL(page.url()).hash).toBe('');
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByLabel('New password again').fill(password);
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByRole('status')).toHaveText('Your password is set. Sign in with it.');
}

/** Fills the sign-in form; with `code`, answers the code field the server's totp_required brings up. */
export async function signIn(page: Page, email: string, password: string, code?: string): Promise<void> {
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (code === undefined) return;
  await page.getByLabel('Authentication code').fill(code);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
