import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export type AsyncState<T> =
  | { status: 'loading'; data: null; error: null }
  | { status: 'ready'; data: T; error: null }
  | { status: 'error'; data: null; error: unknown };

/**
 * Loads data for a component. While a new request runs the old result is dropped (a list never
 * shows the previous search's rows under the new query), and a late answer to an older request
 * is ignored. `reload()` runs it again; `set()` replaces the data after a local change.
 */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]) {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading', data: null, error: null });
  const seq = useRef(0);
  const run = useCallback(() => {
    const mine = ++seq.current;
    const controller = new AbortController();
    setState({ status: 'loading', data: null, error: null });
    load(controller.signal).then(
      (data) => mine === seq.current && setState({ status: 'ready', data, error: null }),
      (error: unknown) => mine === seq.current && !controller.signal.aborted && setState({ status: 'error', data: null, error }),
    );
    return controller;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(() => {
    const controller = run();
    return () => {
      seq.current++;
      controller.abort();
    };
  }, [run]);
  return {
    ...state,
    reload: () => void run(),
    set: (data: T) => setState({ status: 'ready', data, error: null }),
  };
}
