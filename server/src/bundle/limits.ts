/** The bounds every bundle read stays within, wherever the bundle comes from. */

/** How much of a bundle is read before it is refused. */
export interface BundleLimits {
  /** Files in one bundle. */
  maxFiles: number;
  /** One file's size (a `policy.wasm` included). */
  maxFileBytes: number;
  /** The whole bundle, inflated. */
  maxUncompressedBytes: number;
  /** A download's body, as sent (the `clearance.policy.bundleMaxBytes` setting). */
  maxDownloadBytes: number;
  /** Folder depth of a bundle read from disk. */
  maxDepth: number;
}

/** The defaults: far above any real policy bundle, far below what would stall an editor. */
export const defaultBundleLimits: BundleLimits = {
  maxFiles: 10_000,
  maxFileBytes: 32 * 1024 * 1024,
  maxUncompressedBytes: 128 * 1024 * 1024,
  maxDownloadBytes: 32 * 1024 * 1024,
  maxDepth: 32,
};
