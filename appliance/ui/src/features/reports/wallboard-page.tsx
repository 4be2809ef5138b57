import { useEffect, useState } from 'preact/hooks';
import { Maximize } from 'lucide-preact';
import { session, useT } from '../../app/session.js';
import { Async } from '../../ui/states.js';
import { useAsync } from '../../ui/async.js';
import { STATE_KEY } from './agent-page.js';
import './reports.css';

interface Snapshot {
  at: string;
  queues: Array<{
    queue: string;
    waiting: number;
    oldestWaitingSince: string | null;
    longestWaitSec: number;
    offered: number;
    answered: number;
    abandoned: number;
    serviceLevel: number | null;
    agents: { available: number; onCall: number; paused: number; wrapup: number };
    status: { waiting: string; longestWait: string; serviceLevel: string };
  }>;
  agents: Array<{ userId: number; name: string; state: keyof typeof STATE_KEY; reason: string | null; queues: string[]; dialog: { callId: number } | null }>;
}

const mmss = (sec: number) => `${Math.floor(sec / 60)}:${String(sec % 60).padStart(2, '0')}`;

/** Live per-queue tiles (amber/red past the admin's thresholds) and every agent's state; full screen for a TV. */
export default function WallboardPage() {
  const t = useT();
  const first = useAsync(() => session().api.get<Snapshot>('/api/v1/reports/wallboard'), []);
  const [snap, setSnap] = useState<Snapshot | null>(null);
  const [full, setFull] = useState(false);
  const [, tick] = useState(0);
  useEffect(() => session().live.on('wallboard', (m) => setSnap(m.data as Snapshot)), []);
  // The longest wait keeps growing between events.
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    const exit = () => !document.fullscreenElement && setFull(false);
    document.addEventListener('fullscreenchange', exit);
    return () => document.removeEventListener('fullscreenchange', exit);
  }, []);
  const goFull = () => {
    setFull(true);
    document.documentElement.requestFullscreen?.().catch(() => undefined);
  };
  return (
    <Async state={first}>
      {(initial) => {
        const s = snap ?? initial;
        return (
          <div class={full ? 'wb-full' : ''} data-testid="wallboard" data-at={s.at}>
            <div class="toolbar">
              <button class="ghost" onClick={goFull}>
                <Maximize aria-hidden="true" size={16} /> {t('reports.fullscreen')}
              </button>
            </div>
            <div class="wb">
              {s.queues.map((q) => {
                const longest = q.oldestWaitingSince ? Math.max(0, Math.round((Date.now() - Date.parse(q.oldestWaitingSince)) / 1000)) : 0;
                return (
                  <section class="wb-tile" key={q.queue} data-testid={`wb-${q.queue}`} aria-labelledby={`wb-h-${q.queue}`}>
                    <h3 id={`wb-h-${q.queue}`}>{q.queue}</h3>
                    <div class="wb-figures">
                      <div class="wb-figure" data-status={q.status.waiting} data-testid="wb-waiting">
                        <strong>{q.waiting}</strong>
                        {t('reports.waiting')}
                      </div>
                      <div class="wb-figure" data-status={q.status.longestWait}>
                        <strong>{mmss(Math.max(longest, q.longestWaitSec))}</strong>
                        {t('reports.longestWait')}
                      </div>
                      <div class="wb-figure" data-status={q.status.serviceLevel}>
                        <strong>{q.serviceLevel === null ? '—' : `${q.serviceLevel}%`}</strong>
                        {t('reports.serviceLevel')}
                      </div>
                      <div class="wb-figure" data-testid="wb-answered">
                        <strong>{q.answered}</strong>
                        {t('reports.answeredToday')}
                      </div>
                      <div class="wb-figure" data-testid="wb-abandoned">
                        <strong>{q.abandoned}</strong>
                        {t('reports.abandonedToday')}
                      </div>
                    </div>
                    <p>{t('reports.agentsLine', q.agents)}</p>
                  </section>
                );
              })}
            </div>
            <section class="wb-agents panel" aria-labelledby="wb-agents-h">
              <h2 id="wb-agents-h">{t('reports.agents')}</h2>
              <ul class="list">
                {s.agents.map((a) => (
                  <li class="list-row" key={a.userId} data-testid={`wb-agent-${a.userId}`}>
                    {a.name} — {t(STATE_KEY[a.state])}
                    {a.reason ? ` (${a.reason})` : ''}
                    {a.dialog ? ` · ${t('reports.onCall', { id: a.dialog.callId })}` : ''}
                  </li>
                ))}
              </ul>
            </section>
          </div>
        );
      }}
    </Async>
  );
}
