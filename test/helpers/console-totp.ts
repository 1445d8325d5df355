// A second factor as a phone gives it: codes made by otplib from the enrolled secret, and the
// enrolment itself over the console API.
import { generate } from 'otplib';
import type { ConsoleClient } from './console-client.ts';

/** The code a phone shows `offsetSteps` 30-second steps from now. */
export const phoneCode = (secret: string, offsetSteps = 0): Promise<string> =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * offsetSteps });

/** Turns TOTP on for the client's user; the secret, the recovery codes and the code that confirmed it. */
export async function enrolTotp(client: ConsoleClient): Promise<{ secret: string; codes: string[]; enrolmentCode: string }> {
  const offered = await client.request<{ secret: string; uri: string }>('POST', '/totp/enroll', {});
  if (offered.status !== 200) throw new Error(`totp/enroll answered ${offered.status}`);
  const enrolmentCode = await phoneCode(offered.body.secret);
  const confirmed = await client.request<{ codes: string[] }>('POST', '/totp/confirm', { code: enrolmentCode });
  if (confirmed.status !== 200) throw new Error(`totp/confirm answered ${confirmed.status}`);
  return { secret: offered.body.secret, codes: confirmed.body.codes, enrolmentCode };
}
