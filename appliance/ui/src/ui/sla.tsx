import { useEffect, useState } from 'preact/hooks';
import { Timer } from 'lucide-preact';
import { useT } from '../app/session.js';

/**
 * How long a customer has been waiting, coloured against the service level: neutral, then
 * warning from `warnMin`, danger from `breachMin`. Re-renders itself every 30 s (never moves focus).
 */
export function SlaTimer({ since, warnMin = 60, breachMin = 240 }: { since: string; warnMin?: number; breachMin?: number }) {
  const t = useT();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const minutes = Math.max(0, Math.floor((now - new Date(since).getTime()) / 60_000));
  const tone = minutes >= breachMin ? 'danger' : minutes >= warnMin ? 'warning' : 'neutral';
  const text = minutes < 60 ? t('sla.minutes', { minutes }) : minutes < 48 * 60 ? t('sla.hours', { hours: Math.floor(minutes / 60), minutes: minutes % 60 }) : t('sla.days', { days: Math.floor(minutes / 1440) });
  return (
    <span class={`badge sla tone-${tone}`} data-testid="sla" data-sla={tone} title={t('sla.title')}>
      <Timer size={14} aria-hidden="true" />
      <span class="visually-hidden">{t('sla.title')}: </span>
      {text}
    </span>
  );
}
