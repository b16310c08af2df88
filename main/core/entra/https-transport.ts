import { request } from 'node:https';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { DcUnreachableError, LapsError, TlsVerificationError } from '../errors/laps-error.js';

/**
 * One HTTPS transport for sign-in and Graph, so both trust the same anchors: the system store,
 * or only the PEM CA given with --ca (a TLS-inspecting proxy's, or the test emulator's). MSAL
 * and the Graph SDK each take a transport of their own shape; both are built on this.
 */
export interface HttpsTrust {
  /** PEM CA certificates trusted instead of the system store. */
  readonly caPem?: string;
  readonly timeoutMs?: number;
}

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  trust: HttpsTrust,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        headers:
          body !== undefined ? { ...headers, 'content-length': Buffer.byteLength(body) } : headers,
        ...(trust.caPem !== undefined ? { ca: trust.caPem } : {}),
        timeout: trust.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const flat: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers))
            if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
          resolve({ status: res.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks) });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${new URL(url).host}`)));
    req.on('error', (error: NodeJS.ErrnoException) => reject(transportError(url, error)));
    req.end(body);
  });
}

function transportError(url: string, error: NodeJS.ErrnoException): Error {
  const host = new URL(url).host;
  if (error.code?.startsWith('ERR_TLS') || /certificate/i.test(error.message))
    return new TlsVerificationError(
      `The certificate of ${host} is not trusted (${error.code ?? error.message}): give its CA with --ca FILE.`,
      { cause: error },
    );
  // dc-unreachable is the "cannot connect" code; the sentence says it is Entra or Graph.
  return new DcUnreachableError(`Cannot reach ${host} (${error.code ?? error.message}).`, {
    cause: error,
  });
}

/** MSAL's network client over our transport. */
export function msalNetworkClient(
  trust: HttpsTrust,
  /** MSAL rewraps a transport error as a string; this hands the caller our typed one. */
  onTransportError?: (error: LapsError) => void,
): INetworkModule {
  const call = async <T>(
    url: string,
    method: string,
    options: NetworkRequestOptions | undefined,
  ): Promise<NetworkResponse<T>> => {
    let response: RawResponse;
    try {
      response = await send(url, method, options?.headers ?? {}, options?.body, trust);
    } catch (error) {
      if (error instanceof LapsError) onTransportError?.(error);
      throw error;
    }
    let body: unknown = {};
    try {
      body = JSON.parse(response.body.toString('utf8'));
    } catch {
      // MSAL reads an empty object as "no fields", and reports the status itself.
    }
    return { status: response.status, headers: response.headers, body: body as T };
  };
  return {
    sendGetRequestAsync: (url, options) => call(url, 'GET', options),
    sendPostRequestAsync: (url, options) => call(url, 'POST', options),
  };
}

/** The Graph SDK's last middleware: sends the request over our transport instead of fetch. */
export class HttpsMessageHandler implements Middleware {
  constructor(
    private readonly trust: HttpsTrust,
    /** The SDK rewraps a transport error as a GraphError with status -1; this keeps ours. */
    private readonly onTransportError?: (error: LapsError) => void,
  ) {}

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const headers: Record<string, string> = {};
    new Headers(context.options?.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const body = typeof context.options?.body === 'string' ? context.options.body : undefined;
    let response: RawResponse;
    try {
      response = await send(url, context.options?.method ?? 'GET', headers, body, this.trust);
    } catch (error) {
      if (error instanceof LapsError) this.onTransportError?.(error);
      throw error;
    }
    const hasBody = response.status !== 204 && response.status !== 304;
    context.response = new Response(hasBody ? new Uint8Array(response.body) : null, {
      status: response.status,
      headers: response.headers,
    });
  }
}
