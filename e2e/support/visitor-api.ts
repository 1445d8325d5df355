// The visitor API called from the test process with the frame's own token, to act as "another
// tab" of the same conversation and to read the server's history as ground truth.
import type { Page } from '@playwright/test';
import type { ChatMessage, HistoryResponse, SendResponse } from '../../common/wire.ts';

/** Records the latest token the frame got from POST /api/v1/sessions (the frame never exposes it). */
export function captureToken(page: Page): () => string {
  let token = '';
  page.on('response', async (res) => {
    if (!res.url().includes('/api/v1/sessions') || !res.ok()) return;
    const body = (await res.json().catch(() => null)) as { token?: string } | null;
    if (body?.token) token = body.token;
  });
  return () => {
    if (!token) throw new Error('no session token seen yet');
    return token;
  };
}

export async function sendAs(parleyUrl: string, token: string, text: string): Promise<ChatMessage> {
  const res = await fetch(`${parleyUrl}/api/v1/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ clientId: `e2e-${Date.now()}-${Math.random().toString(36).slice(2)}`, text }),
  });
  if (res.status !== 202) throw new Error(`send: ${res.status} ${await res.text()}`);
  return ((await res.json()) as SendResponse).message;
}

export async function history(parleyUrl: string, token: string): Promise<ChatMessage[]> {
  const res = await fetch(`${parleyUrl}/api/v1/messages?after=0`, { headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`history: ${res.status} ${await res.text()}`);
  return ((await res.json()) as HistoryResponse).messages;
}
