/**
 * The embedded search engine of the local cloud (docs/search.md): one EmbeddedPatentIndex in this
 * process (and a second one of technology needs, read as documents by
 * functions/search/need-documents.ts), built from the core table when the cloud starts (a scan of the
 * patent and need items), then kept current from the table's stream (the streams poller hands it
 * every batch it reads, before the Lambda consumers), and served over HTTP to the searchPatents and
 * searchNeeds functions (SEARCH_ENDPOINT): the port's own JSON, nothing else.
 */
import { createServer, type Server } from 'node:http';
import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { EmbeddedPatentIndex } from '../../functions/search/embedded-index.ts';
import { needSearchPath, searchPath } from '../../functions/search/http-search-index.ts';
import { needDocument } from '../../functions/search/need-documents.ts';
import type { IndexedPatent, PatentSearchRequest } from '../../functions/search/ports.ts';
import { isStorageAttribute } from '../../schemas/storage.ts';

type Item = Record<string, unknown>;

const isPatentItem = (item: Item | undefined): item is Item =>
  !!item && item.sk === 'PATENT' && typeof item.pk === 'string' && item.pk.startsWith('PAT#');

/** A technology need (NEED#<id> / NEED): indexed in the second index, as a document (need-documents.ts). */
const isNeedItem = (item: Item | undefined): boolean =>
  !!item && item.sk === 'NEED' && typeof item.pk === 'string' && item.pk.startsWith('NEED#');

const withoutKeys = (item: Item): IndexedPatent =>
  Object.fromEntries(Object.entries(item).filter(([name]) => !isStorageAttribute(name))) as IndexedPatent;

export class LocalSearch {
  readonly index = new EmbeddedPatentIndex();
  /** The same engine over technology needs (docs/search.md, "Needs"). */
  readonly needs = new EmbeddedPatentIndex();
  private readonly versions = new Map<string, number>();
  private readonly needVersions = new Map<string, number>();
  updates = 0;
  builtInMs = 0;

  /** Indexes a version of a patent unless a later one is indexed already (a replayed stream record). */
  private apply(item: Item): void {
    const patent = withoutKeys(item);
    const version = typeof patent.version === 'number' ? patent.version : 0;
    if ((this.versions.get(patent.applicationNumber) ?? -1) > version) return;
    this.versions.set(patent.applicationNumber, version);
    this.index.upsert(patent);
    this.updates++;
  }

  /** Indexes a version of a need unless a later one is indexed already. */
  private applyNeed(item: Item): void {
    const document = needDocument(withoutKeys(item));
    const version = typeof document.version === 'number' ? document.version : 0;
    if ((this.needVersions.get(document.applicationNumber) ?? -1) > version) return;
    this.needVersions.set(document.applicationNumber, version);
    this.needs.upsert(document);
    this.updates++;
  }

  /** Every patent and need of the core table, read page by page. */
  async build(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
    const started = performance.now();
    let startKey: Record<string, never> | undefined;
    do {
      const page = await dynamodb.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression:
            '(sk = :patent AND begins_with(pk, :prefix)) OR (sk = :need AND begins_with(pk, :needPrefix))',
          ExpressionAttributeValues: {
            ':patent': { S: 'PATENT' },
            ':prefix': { S: 'PAT#' },
            ':need': { S: 'NEED' },
            ':needPrefix': { S: 'NEED#' },
          },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const raw of page.Items ?? []) {
        const item = unmarshall(raw);
        if (isNeedItem(item)) this.applyNeed(item);
        else this.apply(item);
      }
      startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (startKey);
    this.builtInMs = Math.round(performance.now() - started);
  }

  /** A batch of the core stream: new and changed patents indexed, removed ones dropped. */
  applyStreamRecords(records: readonly StreamRecord[], log: (line: string) => void = console.error): void {
    for (const record of records) {
      const image = record.dynamodb?.NewImage ?? record.dynamodb?.OldImage;
      if (!image) continue;
      let item: Item;
      try {
        item = unmarshall(image as Parameters<typeof unmarshall>[0]);
      } catch (error) {
        // One unreadable record costs its own update, never the rest of the batch.
        log(`local search skipped ${JSON.stringify(record.dynamodb?.Keys)}: ${(error as Error).message}`);
        continue;
      }
      if (isNeedItem(item)) {
        if (record.eventName === 'REMOVE') {
          this.needs.remove(String(item.needId));
          this.needVersions.delete(String(item.needId));
        } else this.applyNeed(item);
        continue;
      }
      if (!isPatentItem(item)) continue;
      if (record.eventName === 'REMOVE') {
        this.index.remove(String(item.applicationNumber));
        this.versions.delete(String(item.applicationNumber));
      } else this.apply(item);
    }
  }

  /** POST /search/patents: a PatentSearchRequest in, a PatentSearchAnswer out. */
  server(log: (line: string) => void): Server {
    return createServer((request, response) => {
      const index =
        request.url === searchPath ? this.index : request.url === needSearchPath ? this.needs : undefined;
      if (request.method !== 'POST' || !index) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ message: `POST ${searchPath} or ${needSearchPath} only` }));
        return;
      }
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        try {
          const query = JSON.parse(Buffer.concat(chunks).toString('utf8')) as PatentSearchRequest;
          const answer = index.searchNow(query);
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify(answer));
        } catch (error) {
          log(`local search failed: ${(error as Error).message}`);
          response.writeHead(500, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ message: (error as Error).message }));
        }
      });
    });
  }
}
