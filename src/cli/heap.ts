// A full V8 garbage collection on demand, for loops that work through a long input in
// chunks: each chunk leaves a few MB of short-lived objects that outlive two scavenges
// (parsed CSV records, score text, tensor wrappers), V8 promotes them, and the old space
// then grows to 110-150 MB before it is compacted, which is most of what a long `score`
// gained over a short one (pca, 10^6 rows: 387 MB peak without, 309 MB with a collection
// per 65,536-row chunk, about 40 ms each). Node exposes gc() only under --expose-gc, so
// the flag is set now and gc() taken from a fresh context, which is made with it.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/** Runs a full garbage collection. */
export function collectGarbage(): void {
  if (!collect) {
    const own = (globalThis as { gc?: () => void }).gc;
    if (typeof own === 'function') {
      collect = own;
    } else {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    }
  }
  collect();
}
