import type { QuickReply } from '../../../common/wire.ts';
import type { Strings } from '../i18n/index.ts';

export function QuickReplies({ replies, t, onPick }: { replies: readonly QuickReply[]; t: Strings; onPick: (r: QuickReply) => void }) {
  const valid = replies.filter((r) => typeof r?.label === 'string' && typeof r.action === 'string');
  if (!valid.length) return null;
  return (
    <div class="quick-replies" role="group" aria-label={t.quickReplies}>
      {valid.map((r) => (
        <button type="button" key={r.action} class="quick-reply" dir="auto" onClick={() => onPick(r)}>
          {r.label}
        </button>
      ))}
    </div>
  );
}
