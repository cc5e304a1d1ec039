/**
 * PostGraphile 5 (grafast, @dataplan/pg) declares Node >= 22 and calls
 * Promise.withResolvers (Node 22); the project runs on Node 20. Without this, every
 * PostgreSQL read in PostGraphile fails with "Cannot read properties of undefined
 * (reading 'items')". Only the peer process loads this; it is the spec'd behaviour
 * (TC39 Promise.withResolvers), nothing PostGraphile-specific.
 */
interface WithResolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

const P = Promise as unknown as { withResolvers?: <T>() => WithResolvers<T> };
if (typeof P.withResolvers !== 'function') {
  P.withResolvers = <T>(): WithResolvers<T> => {
    let resolve!: WithResolvers<T>['resolve'];
    let reject!: WithResolvers<T>['reject'];
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

export {};
