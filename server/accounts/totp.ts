// The console's second factor: RFC 6238 TOTP through otplib, with the parameters every
// authenticator app understands (SHA-1, 6 digits, 30 s), one step of clock drift either way, and
// replay refusal: a code's time step is returned so the caller stores it and never accepts that
// step, or an earlier one, again.
import { generateSecret, generateURI, verify } from 'otplib';

const TOTP = { algorithm: 'sha1', digits: 6, period: 30 } as const;
/** ±1 step, in seconds as otplib counts tolerance: a phone clock a few seconds off still works. */
const DRIFT_SECONDS = TOTP.period;
/** 160 bits, RFC 4226's recommended secret length. */
const SECRET_BYTES = 20;

/** A fresh base32 secret; stored on the user once they have proved their app shows its codes. */
export function newTotpSecret(): string {
  return generateSecret({ length: SECRET_BYTES });
}

/** What the enrolment QR code holds. `issuer` names this Parley; `account` is the user's e-mail. */
export function totpEnrolmentUri(input: { secret: string; issuer: string; account: string }): string {
  return generateURI({ issuer: input.issuer, label: input.account, secret: input.secret, ...TOTP });
}

/**
 * The last step of the window of steps accepted at `now` (one step after the current one): a
 * sign-in spends its window up to here (useTotpStep's `through`), so no other code typed at the
 * same moment signs in after it.
 */
export function newestAcceptedStep(now: Date): number {
  return Math.floor((Math.floor(now.getTime() / 1000) + DRIFT_SECONDS) / TOTP.period);
}

/**
 * The time step `code` belongs to when it is right for `now` (±1 step) and newer than
 * `lastUsedStep`; null otherwise. Spaces are allowed ("123 456", as apps show it); anything but six
 * ASCII digits is refused before the library sees it, so bad input never throws.
 */
export async function verifyTotp(secret: string, code: string, now: Date, lastUsedStep: number | null): Promise<number | null> {
  const token = code.replace(/\s+/g, '');
  if (!/^[0-9]{6}$/.test(token)) return null;
  const epoch = Math.floor(now.getTime() / 1000);
  const newestStep = newestAcceptedStep(now);
  // otplib throws when told to skip steps beyond its window (a clock set back); none can match then.
  if (lastUsedStep !== null && lastUsedStep >= newestStep) return null;
  const result = await verify({
    secret,
    token,
    epoch,
    epochTolerance: DRIFT_SECONDS,
    ...(lastUsedStep === null ? {} : { afterTimeStep: lastUsedStep }),
    ...TOTP,
  });
  // otplib's functional verify types its answer for HOTP and TOTP alike; a TOTP match carries timeStep.
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}
