/** The part of fs-native-extensions (which ships no types) that the data directory lock uses. */
declare module 'fs-native-extensions' {
  /**
   * Takes an exclusive (or, with `shared`, a shared) lock on the whole file without waiting:
   * false when another open file description holds a conflicting lock.
   */
  export function tryLock(fd: number, opts?: { shared?: boolean }): boolean;
  export function unlock(fd: number): void;
}
