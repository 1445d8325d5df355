// One conversation as the browser shows it: what it was (bot, start, language, what its turns
// reached, its handover), the transcript as the server masks it with what each visitor turn did,
// and, for a role that may, "Reveal personal data" with a reason: the unmasked transcript and the
// collected values then show on this screen only, and are gone once it is left.
import { useEffect, useState } from 'preact/hooks';
import type { ConversationDetail as Detail } from '../../../common/conversations-wire.ts';
import type { RevealedValues } from '../../../common/handover-wire.ts';
import { mergeMessages } from '../../../common/timeline.ts';
import { getConversation, revealConversation } from '../../api.ts';
import { useAction } from '../action.ts';
import { ErrorText } from '../form.tsx';
import { Heading } from '../heading.tsx';
import { STATE_LABEL, when } from '../handovers/labels.ts';
import { Reveal } from '../handovers/reveal.tsx';
import { Transcript } from '../handovers/transcript.tsx';
import { languageName, OUTCOME_LABEL } from './labels.ts';

export function ConversationDetail({ id, onBack }: { id: string; onBack: () => void }) {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [revealed, setRevealed] = useState<RevealedValues | null>(null);
  const load = useAction();
  useEffect(() => void load.run(async () => setDetail(await getConversation(id))), [id]);

  const turns = new Map(detail?.turns.map((t) => [t.messageId, t]) ?? []);
  const annotate = (m: { id: number; sender: string }) => {
    const turn = m.sender === 'visitor' ? turns.get(m.id) : undefined;
    return turn && `${OUTCOME_LABEL[turn.outcome]}${turn.intent ? ` (${turn.intent})` : ''}`;
  };
  const c = detail?.conversation;
  return (
    <>
      <button type="button" class="link" onClick={onBack}>
        ← Back to the list
      </button>
      {/* In place of the list: the heading takes focus, so keyboard and screen-reader users start here. */}
      <Heading>{c ? `Conversation on ${c.botId}, ${when(c.startedAt)}` : 'Conversation'}</Heading>
      <ErrorText message={load.error} />
      {detail && c && (
        <>
          <section class="card" aria-label="About this conversation">
            <dl class="facts">
              <dt>Bot</dt>
              <dd>{c.botId}</dd>
              <dt>Started</dt>
              <dd>
                <time dateTime={c.startedAt}>{when(c.startedAt)}</time>
              </dd>
              <dt>Last activity</dt>
              <dd>
                <time dateTime={c.lastActivityAt}>{when(c.lastActivityAt)}</time>
              </dd>
              <dt>Language</dt>
              <dd>{c.locale ? languageName(c.locale) : 'unknown'}</dd>
              <dt>Intents reached</dt>
              <dd>{c.intents.join(', ') || 'none'}</dd>
              <dt>What the bot did</dt>
              <dd>{c.outcomes.map((o) => OUTCOME_LABEL[o]).join(', ') || 'nothing yet'}</dd>
              <dt>Handover</dt>
              <dd>
                {detail.handover
                  ? `${STATE_LABEL[detail.handover.state]}${detail.handover.rating ? `, rated ${detail.handover.rating.score} of 5` : ''}`
                  : 'none'}
              </dd>
            </dl>
          </section>
          <section class="card" aria-label="Transcript">
            <Transcript
              messages={revealed ? mergeMessages(revealed.messages, detail.messages) : detail.messages}
              label={revealed ? 'Conversation, unmasked' : 'Conversation, personal data masked'}
              annotate={annotate}
            />
            {detail.messages.length === 0 && <p>No messages are kept of this conversation.</p>}
          </section>
          {detail.mayReveal && <Reveal reveal={(csrf, reason) => revealConversation(csrf, id, { reason })} revealed={revealed} onRevealed={setRevealed} />}
        </>
      )}
    </>
  );
}
