/**
 * How a function reaches the OpenSearch domain (docs/search.md, "AWS"): the official client's
 * transport (@opensearch-project/opensearch: its Transport, ConnectionPool and Serializer), each
 * request signed with SigV4 for the `es` service by the client's AwsSigv4Signer, whose credentials
 * come from the AWS SDK v3 default credential provider (the function's role in Lambda; @aws-sdk/*
 * stays outside the bundle, as for every function). The domain's access policy admits IAM-signed
 * requests of the account; each function's role says which paths it may use
 * (infra/constructs/app-function.ts, allowSearch).
 *
 * The transport, not the generated `Client`: the client's API surface (every namespace of every
 * plugin, ~250 KB minified) would put the search and need functions over the bundle budget
 * (docs/bundles.md), and the adapter uses three endpoints (_search, _analyze, _bulk) plus index
 * creation. The transport is the client's own request path (retries, timeouts, errors as
 * ResponseError / ConnectionError / TimeoutError, JSON and NDJSON serialization): the contract tests
 * run the adapter over a full `Client`'s transport (`client.transport`).
 */

import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws';
import { ConnectionPool } from '@opensearch-project/opensearch/lib/pool/index.js';
import SerializerModule from '@opensearch-project/opensearch/lib/Serializer.js';
import type {
  ApiResponse,
  TransportRequestOptions,
  TransportRequestParams,
} from '@opensearch-project/opensearch/lib/Transport.js';

/** What the adapter and the writer use of the client: its transport's `request` (promise form). */
export interface SearchTransport {
  request(params: TransportRequestParams, options?: TransportRequestOptions): Promise<ApiResponse>;
}

// lib/Serializer.js is CommonJS (`module.exports = Serializer`) typed as a default export: the class
// is the module itself when bundled or run by Node, `.default` to TypeScript.
const Serializer = ('default' in SerializerModule
  ? SerializerModule.default
  : SerializerModule) as unknown as typeof SerializerModule.default;

/** Short: a search waits at most this long for the domain, and the route answers 503 rather than hang. */
const requestTimeoutMs = 5000;

let transport: SearchTransport | undefined;

/**
 * The transport, built on the first request (not at cold start: a missing region or a malformed
 * endpoint then fails that request with the client's message, never the function's init).
 */
export function openSearchTransport(
  endpoint: string,
  region = process.env.AWS_REGION ?? '',
): SearchTransport {
  return { request: (params, options) => transportOf(endpoint, region).request(params, options) };
}

function transportOf(endpoint: string, region: string): SearchTransport {
  if (!transport) {
    const signer = AwsSigv4Signer({ region, service: 'es' });
    const emit = () => true;
    const connectionPool = new ConnectionPool({ Connection: signer.Connection, emit } as never);
    connectionPool.addConnection(endpoint.startsWith('https://') ? endpoint : `https://${endpoint}`);
    transport = new signer.Transport({
      emit,
      connectionPool,
      serializer: new Serializer(),
      // One retry on a connection fault or 502-504 (never on 429: the client leaves a throttled
      // request to its caller); a search answers within a few seconds either way.
      maxRetries: 1,
      requestTimeout: requestTimeoutMs,
      sniffEndpoint: '_nodes/_all/http',
    } as never);
  }
  return transport;
}
