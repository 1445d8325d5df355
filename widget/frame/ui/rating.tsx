// The rating offered after an operator left: five radio buttons drawn as stars (arrow keys move
// between them, each has a spoken label), an optional comment, and a send button. No <form>: the
// frame's CSP has form-action 'none'. Once sent (or already rated: 409), a thank-you replaces it.
import { useId, useState } from 'preact/hooks';
import type { RatingRequest } from '../../../common/wire.ts';
import { isHttpError } from '../chat/api.ts';
import { fill, type Strings } from '../i18n/index.ts';

const SCORES = [1, 2, 3, 4, 5];
/** RatingRequest.comment's limit on the server. */
const MAX_COMMENT = 1000;

type Status = 'idle' | 'sending' | 'done';

export function Rating({ name, t, onRate, onDone }: { name: string; t: Strings; onRate: (req: RatingRequest) => Promise<void>; onDone: () => void }) {
  const id = useId();
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const [status, setStatus] = useState<Status>('idle');
  const [error, setError] = useState('');

  const submit = async (): Promise<void> => {
    if (!score) return setError(t.rateChoose);
    setStatus('sending');
    setError('');
    const text = comment.trim();
    try {
      await onRate(text ? { score, comment: text } : { score });
    } catch (err) {
      // 409: rated already (another tab, or before a reload): nothing left to do here either.
      if (!isHttpError(err, 409)) {
        setStatus('idle');
        return setError(t.rateFailed);
      }
    }
    setStatus('done');
    onDone();
  };

  if (status === 'done') {
    return (
      <p class="rating-thanks" role="status">
        {t.rateThanks}
      </p>
    );
  }
  return (
    <fieldset class="rating">
      <legend dir="auto">{fill(t.rateLegend, { name })}</legend>
      <div class="stars">
        {SCORES.map((n) => (
          <span key={n}>
            <input class="star-input" type="radio" id={`${id}-${n}`} name={`${id}-score`} value={n} checked={score === n} onChange={() => setScore(n)} />
            <label class={n <= score ? 'star on' : 'star'} for={`${id}-${n}`}>
              <span aria-hidden="true">★</span>
              <span class="sr-only">{fill(t.stars, { n })}</span>
            </label>
          </span>
        ))}
      </div>
      <label class="rating-label" for={`${id}-comment`}>
        {t.rateComment}
      </label>
      <textarea id={`${id}-comment`} rows={2} dir="auto" maxLength={MAX_COMMENT} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
      <p class="failed" role="alert">
        {error}
      </p>
      <button type="button" class="send" disabled={status === 'sending'} onClick={() => void submit()}>
        {t.rateSend}
      </button>
    </fieldset>
  );
}
