import { useEffect, useState } from 'preact/hooks';

/** The time, re-read every `everyMs` (a re-render only; focus and input are left alone). */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
