import { session, useT } from '../../app/session.js';
import { toast } from '../../ui/toast.js';
import { describeError } from '../../ui/errors.js';
import type { MessageKey } from '../../i18n.js';

const SPY: Array<{ mode: 'listen' | 'whisper' | 'barge'; label: MessageKey }> = [
  { mode: 'listen', label: 'calls.spy.listen' },
  { mode: 'whisper', label: 'calls.spy.whisper' },
  { mode: 'barge', label: 'calls.spy.barge' },
];

/** Supervisors join a live call from their own phone (Asterisk ChanSpy); the server audits it. */
export function SpyButtons({ callId }: { callId: number }) {
  const s = session();
  const t = useT();
  return (
    <span role="group" aria-label={t('calls.spy')} class="segmented">
      {SPY.map((x) => (
        <button
          key={x.mode}
          type="button"
          data-testid={`spy-${x.mode}`}
          onClick={() =>
            s.api.post(`/api/v1/calls/${callId}/spy`, { mode: x.mode }).then(
              () => toast(t('calls.spy.ringing'), 'success'),
              (err: unknown) => toast(describeError(err, t), 'danger'),
            )
          }
        >
          {t(x.label)}
        </button>
      ))}
    </span>
  );
}

