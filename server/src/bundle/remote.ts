/**
 * Downloads a bundle from a bundle server, as OPA's bundle plugin does: `GET` with
 * `If-None-Match` carrying the last verified bundle's `ETag` (a `304` keeps it), an optional
 * bearer token, a bounded body (the declared length and the bytes read are both checked), a time
 * limit and no redirects (a redirect could carry the token elsewhere). A body that ends early is an
 * error: a partial bundle is never handed on.
 */

/** Why a download failed; `status` is the HTTP status when the server answered. */
export class DownloadError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** What one request needs. `bearer` is sent only to `url`'s own origin (no redirects are followed). */
export interface DownloadRequest {
  url: string;
  etag?: string;
  bearer?: string;
  maxBytes: number;
  timeoutMs: number;
}

/** A new bundle body with its `ETag`, or `not-modified` when the server's `ETag` still matches. */
export type DownloadResult =
  | { status: 'not-modified' }
  | { status: 'downloaded'; body: Buffer; etag?: string };

/** Whether `url` may be fetched at all: `https:`, or `http:` to a loopback address only. */
export function checkBundleUrl(url: string, origins: readonly string[]): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${url} is not a URL`;
  }
  if (parsed.username || parsed.password)
    return 'a bundle URL may not carry credentials; use clearance.policy.bundleAuth';
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    return `${parsed.origin}: bundles are downloaded over https (plain http only from a loopback address)`;
  }
  if (!origins.some((o) => sameOrigin(o, parsed))) {
    return `${parsed.origin} is not in clearance.policy.bundleOrigins (a user setting): add it there to download bundles from it`;
  }
  return undefined;
}

function sameOrigin(origin: string, url: URL): boolean {
  try {
    return new URL(origin).origin === url.origin;
  } catch {
    return false;
  }
}

/** Performs one conditional, bounded download. Throws `DownloadError` with a reason fit to show. */
export async function downloadBundle(request: DownloadRequest): Promise<DownloadResult> {
  const headers: Record<string, string> = { accept: 'application/gzip, application/octet-stream' };
  if (request.etag) headers['if-none-match'] = request.etag;
  if (request.bearer) headers.authorization = `Bearer ${request.bearer}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), request.timeoutMs);
  try {
    let response: Response;
    const get = () => fetch(request.url, { headers, redirect: 'manual', signal: controller.signal });
    try {
      response = await get().catch((error: unknown) => {
        // A kept-alive connection the server closed between polls (it restarted, or went down) fails
        // at once; the GET is idempotent, so it is tried once more on a fresh connection, whose
        // failure then says what is really wrong ("connection refused" rather than "other side closed").
        if ((error as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw error;
        return get();
      });
    } catch (error) {
      throw new DownloadError(describeNetworkError(error, request.timeoutMs));
    }
    if (response.status === 304) {
      await response.body?.cancel();
      return { status: 'not-modified' };
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      throw new DownloadError(
        `the server redirected (HTTP ${response.status}); redirects are not followed`,
        response.status,
      );
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      const hint =
        response.status === 401 || response.status === 403 ? ' (check clearance.policy.bundleAuth)' : '';
      throw new DownloadError(`the server answered HTTP ${response.status}${hint}`, response.status);
    }
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared > request.maxBytes) {
      await response.body?.cancel();
      throw new DownloadError(`the bundle is ${declared} bytes, over the ${request.maxBytes} byte limit`);
    }
    const body = await readBounded(response, request.maxBytes, request.timeoutMs);
    if (Number.isFinite(declared) && body.length !== declared) {
      throw new DownloadError(`the download ended after ${body.length} of ${declared} bytes`);
    }
    const etag = response.headers.get('etag') ?? undefined;
    return { status: 'downloaded', body, ...(etag ? { etag } : {}) };
  } finally {
    clearTimeout(timer);
  }
}

async function readBounded(response: Response, maxBytes: number, timeoutMs: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw new DownloadError(`the bundle is over the ${maxBytes} byte limit`);
      }
      chunks.push(Buffer.from(value));
    }
  } catch (error) {
    if (error instanceof DownloadError) throw error;
    throw new DownloadError(`the download broke off: ${describeNetworkError(error, timeoutMs)}`);
  }
  return Buffer.concat(chunks);
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = e.cause?.code;
  if (code === 'ECONNREFUSED') return 'the server is down (connection refused)';
  if (code === 'ENOTFOUND') return 'the server name does not resolve';
  return e.cause?.message ?? e.message ?? String(error);
}
