import type { ComponentChildren } from 'preact';
import type { LucideIcon } from 'lucide-preact';
import { AlertTriangle, Inbox, LoaderCircle, RotateCw } from 'lucide-preact';
import { useT } from '../app/session.js';
import { describeError, errorCode } from './errors.js';
import type { AsyncState } from './async.js';

/** A spinner with text, announced politely; use instead of an empty area while data loads. */
export function Loading({ label }: { label?: string }) {
  const t = useT();
  return (
    <div class="state state-loading" role="status" data-testid="loading">
      <LoaderCircle class="spin" size={20} aria-hidden="true" />
      <span>{label ?? t('common.loading')}</span>
    </div>
  );
}

/** Nothing to show yet: say so, and what would fill it. */
export function Empty({ icon: Icon = Inbox, title, hint, children }: { icon?: LucideIcon; title: string; hint?: string; children?: ComponentChildren }) {
  return (
    <div class="state state-empty" data-testid="empty">
      <Icon size={28} aria-hidden="true" />
      <p class="state-title">{title}</p>
      {hint && <p class="muted">{hint}</p>}
      {children}
    </div>
  );
}

/** A failure in the user's language, with a retry button when the action can be repeated. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useT();
  return (
    <div class="state state-error" role="alert" data-testid="error-state" data-code={errorCode(error)}>
      <AlertTriangle size={20} aria-hidden="true" />
      <span>{describeError(error, t)}</span>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          <RotateCw size={16} aria-hidden="true" />
          <span>{t('common.retry')}</span>
        </button>
      )}
    </div>
  );
}

/** Renders a `useAsync` result: loading, error (with retry) or the children with the data. */
export function Async<T>({ state, children, onRetry }: { state: AsyncState<T>; children: (data: T) => ComponentChildren; onRetry?: () => void }) {
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'error') return <ErrorState error={state.error} onRetry={onRetry} />;
  return <>{children(state.data)}</>;
}
