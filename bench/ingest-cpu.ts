/**
 * The ingest's own CPU per row, without any database (docs/scale.md): a generated template file
 * streamed through the real intake (read, header, validation, content hash, the patent writer's items
 * and requests, the SDK's marshalling and request signing) against a DynamoDB client whose transport
 * answers every request at once with an empty success (every number is new: BatchGet finds nothing,
 * every create transaction commits). Also the sizes of the items written (patent, audit entry), from
 * which the write units per row follow. Process CPU time (user + system) per row, and wall time.
 */
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ingestTable } from '../functions/intake/ingest.ts';
import { readTableRows } from '../functions/intake/read-table.ts';
import { dynamoPatentWriter } from '../functions/patents/patent-store.ts';
import { demoInventoryRows, toCsv } from '../infra/local/demo-patents.ts';

/** DynamoDB's item size: attribute names plus values (UTF-8 strings, numbers ~1 byte per 2 digits + 1, 3 bytes per list or map and 1 per element). */
function valueSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return Math.ceil(String(value).replace(/[-.]/g, '').length / 2) + 1;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + valueSize(v), 0);
  return (
    3 +
    Object.entries(value as object).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + 1 + valueSize(v), 0)
  );
}
const itemSize = (item: Record<string, unknown>) =>
  Object.entries(item).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + valueSize(v), 0);

export async function benchIngestCpu() {
  const sizes = { patent: [] as number[], audit: [] as number[] };
  const requests: Record<string, number> = {};
  const client = new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    requestHandler: {
      handle: async (request: { headers: Record<string, string>; body?: unknown }) => {
        const target = request.headers['x-amz-target']?.split('.')[1] ?? 'unknown';
        requests[target] = (requests[target] ?? 0) + 1;
        const body =
          typeof request.body === 'string'
            ? request.body
            : request.body instanceof Uint8Array
              ? Buffer.from(request.body).toString('utf8')
              : undefined;
        if (target === 'TransactWriteItems' && body) {
          for (const entry of JSON.parse(body).TransactItems as Array<{
            Put: { Item: Record<string, Record<string, unknown>> };
          }>) {
            const item = Object.fromEntries(
              Object.entries(entry.Put.Item).map(([k, v]) => [k, Object.values(v)[0]]),
            );
            (item.entity === 'audit' ? sizes.audit : sizes.patent).push(itemSize(item));
          }
        }
        return {
          response: {
            statusCode: 200,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: Readable.from([Buffer.from('{}')]),
          },
        };
      },
    } as never,
  });
  const documents = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  const run = async (rows: number, seed: number) => {
    const csv = Buffer.from(toCsv(demoInventoryRows(rows, { seed, serialBase: 100_000 + seed * 1_000_000 })));
    const cpu = process.cpuUsage();
    const started = performance.now();
    const result = await ingestTable(
      { writer: dynamoPatentWriter(documents, 'core'), today: '2026-12-05' },
      { uscc: '12110000MB00099990', provinceCode: '110000' },
      { sub: 'upload:bench', roles: ['institution'] },
      readTableRows(Readable.from([csv])),
      '0123456789abcdef01234567',
    );
    const used = process.cpuUsage(cpu);
    if (result.rowsCreated !== rows) throw new Error(`created ${result.rowsCreated} of ${rows}`);
    return {
      rows,
      fileBytes: csv.length,
      cpuMsPerRow: Number(((used.user + used.system) / 1000 / rows).toFixed(3)),
      wallMsPerRow: Number(((performance.now() - started) / rows).toFixed(3)),
    };
  };
  const small = await run(3000, 1);
  const large = [await run(20_000, 2), await run(20_000, 3)];
  const stats = (list: number[]) => ({
    meanBytes: Math.round(list.reduce((sum, n) => sum + n, 0) / list.length),
    maxBytes: Math.max(...list),
    shareOver1KiB: Number((list.filter((n) => n > 1024).length / list.length).toFixed(3)),
    meanKiBUnits: Number((list.reduce((sum, n) => sum + Math.ceil(n / 1024), 0) / list.length).toFixed(3)),
  });
  return {
    firstFile3000Rows: small,
    files20000Rows: large,
    requests,
    items: { patent: stats(sizes.patent), audit: stats(sizes.audit) },
    note: 'CPU of this process (user + system) per row: the intake and the writer with the SDK, the transport answering at once. The first file includes JIT warm-up; a Lambda of 1,024 MB has about 0.58 of a vCPU (1,769 MB = 1 vCPU).',
  };
}
