import { Caption1 } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { ChannelOutput } from '../../../shared/ipc/contract.js';
import { useConsole } from '../store/index.js';

/** How often a pending Entra request asks main whether Graph made it wait. */
export const GRAPH_WAIT_POLL_MS = 1000;

type GraphWait = NonNullable<ChannelOutput<'entra.activity'>['retry']>;

/**
 * Beside the spinner of a pending Entra request: when Microsoft Graph throttles it (429) or is
 * unavailable (503), main waits for Retry-After and tries again; this says so, with a countdown,
 * so that a long spinner is explained. Mounted only while the request is pending.
 */
export function GraphWaitNote() {
  const readGraphWait = useConsole((state) => state.readGraphWait);
  const [wait, setWait] = useState<GraphWait | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    let isMounted = true;
    const look = async () => {
      const found = await readGraphWait();
      if (!isMounted) return;
      setWait(found);
      setNow(Date.now());
    };
    void look();
    const timer = setInterval(() => void look(), GRAPH_WAIT_POLL_MS);
    return () => {
      isMounted = false;
      clearInterval(timer);
    };
  }, [readGraphWait]);
  if (wait === null) return null;
  const seconds = Math.max(0, Math.ceil((Date.parse(wait.retryAt) - now) / 1000));
  const why = wait.status === 429 ? 'is throttling requests' : 'is unavailable for a moment';
  return (
    <Caption1 role="status">
      Microsoft Graph {why} (HTTP {wait.status}): trying again in {seconds} s (try{' '}
      {wait.nextAttempt} of {wait.maxAttempts}).
    </Caption1>
  );
}
