import { useEffect, useRef, useState } from 'react';
import { isAbortError, type UploadProgress } from './upload';

/** What an upload call takes from `useUpload`: where to report progress, and when to stop. */
export interface UploadCall {
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

/**
 * One upload at a time from a dialog: `run(send)` starts it with a progress report and an abort
 * signal, `progress` is for an `UploadProgressBar` (null when idle), `abort()` stops it (the
 * dialog closed; also on unmount). An aborted upload resolves with `undefined` instead of
 * failing, so that nothing is reported for it; a refused one rejects as usual.
 */
export function useUpload() {
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const controller = useRef<AbortController | null>(null);

  useEffect(() => () => controller.current?.abort(), []);

  const run = async <T,>(send: (call: Required<UploadCall>) => Promise<T>): Promise<T | undefined> => {
    controller.current?.abort();
    const current = new AbortController();
    controller.current = current;
    setProgress({ loaded: 0, total: 0, percent: 0 });
    try {
      return await send({ onProgress: setProgress, signal: current.signal });
    } catch (error) {
      if (isAbortError(error)) return undefined;
      throw error;
    } finally {
      if (controller.current === current) {
        controller.current = null;
        setProgress(null);
      }
    }
  };

  return { progress, run, abort: () => controller.current?.abort() };
}
