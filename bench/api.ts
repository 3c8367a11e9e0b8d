/**
 * npm run bench -- api: GET /v1/patents/{n} through the local API running the Lambda bundles of the
 * full synth (`npm start -- --bundles`: API Gateway event, JWT check, the bundled handler in its worker,
 * DynamoDB Local) against a bare node:http server that does the same GetItem on the same DynamoDB
 * Local, measured in one run with autocannon (32 connections, 30 s each; BENCH_API_SECONDS to change).
 * Goal: p99 <= 2x the bare server's.
 */
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import { startLocalCloud } from '../infra/local/cloud.ts';
import { demoInventoryRows, templateHeaders } from '../infra/local/demo-patents.ts';
import { freePort } from '../infra/local/ports.ts';
import { withUsccCheck } from '../schemas/codes/uscc.ts';

const root = resolve(import.meta.dirname, '..');
const seconds = Number(process.env.BENCH_API_SECONDS ?? 30);
const connections = 32;

async function load(url: string, headers: Record<string, string>) {
  const result = await autocannon({ url, connections, duration: seconds, headers });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
  };
}

export async function benchApi(): Promise<Record<string, unknown>> {
  const bundles = resolve(process.env.BENCH_SYNTH_DIR ?? join(root, 'cdk.out'));
  const cloud = await startLocalCloud({
    inMemory: true,
    port: await freePort(),
    bundles,
    log: () => undefined,
  });
  const bare = createServer();
  try {
    const token = async (body: Record<string, string>) =>
      (
        (await (
          await fetch(`${cloud.controlUrl}/_local/token`, { method: 'POST', body: JSON.stringify(body) })
        ).json()) as { token: string }
      ).token;
    const admin = await token({ role: 'national-admin' });
    const uscc = withUsccCheck('12110000MB0008888');
    const registered = await fetch(`${cloud.apiUrl}/v1/institutions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ uscc, name: '接口基准大学', provinceCode: '110000', kind: 'university' }),
    });
    if (!registered.ok)
      throw new Error(`register institution: ${registered.status} ${await registered.text()}`);
    const institution = await token({ role: 'institution', org: uscc });
    const row = Object.fromEntries(
      templateHeaders.map((header, i) => [header, demoInventoryRows(1)[0]![i]!]),
    );
    const created = await fetch(`${cloud.apiUrl}/v1/patents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${institution}`, 'content-type': 'application/json' },
      body: JSON.stringify(row),
    });
    if (!created.ok) throw new Error(`register patent: ${created.status} ${await created.text()}`);
    const { applicationNumber } = (await created.json()) as { applicationNumber: string };

    // The bare server: the same GetItem on the same table, no gateway, no middleware, no schema.
    const documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: cloud.endpoints.dynamodb,
        region: cloud.region,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      }),
    );
    const table = cloud.tableName('core');
    bare.on('request', async (_request, response) => {
      const { Item } = await documents.send(
        new GetCommand({ TableName: table, Key: { pk: `PAT#${applicationNumber}`, sk: 'PATENT' } }),
      );
      response.writeHead(Item ? 200 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify(Item ?? {}));
    });
    const barePort = await freePort();
    await new Promise<void>((done) => bare.listen(barePort, '127.0.0.1', done));

    // Warm both (workers, JIT, connection pools), then measure one after the other.
    await autocannon({ url: `http://127.0.0.1:${barePort}/`, connections, amount: 500 });
    const apiUrl = `${cloud.apiUrl}/v1/patents/${applicationNumber}`;
    const headers = { authorization: `Bearer ${institution}` };
    await autocannon({ url: apiUrl, connections, amount: 500, headers });
    const api = await load(apiUrl, headers);
    const bareResult = await load(`http://127.0.0.1:${barePort}/`, {});
    return {
      bundles,
      connections,
      seconds,
      api,
      bare: bareResult,
      p99Ratio: Math.round((api.latencyMs.p99 / bareResult.latencyMs.p99) * 100) / 100,
      throughputRatio: Math.round((api.requestsPerSecond / bareResult.requestsPerSecond) * 100) / 100,
    };
  } finally {
    bare.close();
    await cloud.stop();
  }
}
