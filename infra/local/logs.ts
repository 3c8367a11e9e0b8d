/**
 * Local CloudWatch Logs, for what the stack sends there and the tests read back: the log groups of the
 * state machines (infra/stacks/stateless-stack.ts: `logs: { level: ALL, includeExecutionData: true }`),
 * where Step Functions writes every history event of every execution as one JSON line. For Express
 * workflows this is the only record AWS keeps (DescribeExecution, GetExecutionHistory and
 * ListExecutions refuse them). Read through FilterLogEvents (control-server.ts), with the JSON filter
 * patterns `{ $.field = "value" }` (`*` wildcards, `!=`, `&&`). Kept in memory and bounded: each group
 * keeps its newest events (at most maxEvents, and maxBytes of messages).
 */

export interface LogEvent {
  logStreamName: string;
  timestamp: number;
  ingestionTime: number;
  eventId: string;
  message: string;
}

export class LogsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

interface Group {
  events: Array<LogEvent & { seq: number }>;
  bytes: number;
}

type Condition = { path: string[]; negate: boolean; value: string };

/** Parses the JSON filter patterns this emulation supports; anything else is refused, never ignored. */
export function parseFilterPattern(pattern: string | undefined): Condition[] {
  const text = pattern?.trim() ?? '';
  if (!text) return [];
  const body = /^\{(.*)\}$/s.exec(text)?.[1];
  if (body === undefined)
    throw new LogsError(
      'InvalidParameterException',
      `Invalid filter pattern locally: only JSON patterns { $.field = "value" } are emulated: ${text}`,
    );
  return body.split('&&').map((part) => {
    const match = /^\s*\$((?:\.[A-Za-z_][\w]*)+)\s*(!?=)\s*(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))\s*$/.exec(part);
    if (!match)
      throw new LogsError(
        'InvalidParameterException',
        `Invalid filter pattern locally: ${part.trim()} is not $.field = "value" (or !=)`,
      );
    return {
      path: match[1]!.slice(1).split('.'),
      negate: match[2] === '!=',
      value: match[3] !== undefined ? (JSON.parse(`"${match[3]}"`) as string) : match[4]!,
    };
  });
}

function wildcard(value: string): RegExp {
  return new RegExp(
    `^${value
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );
}

function matches(conditions: Condition[], message: string): boolean {
  if (!conditions.length) return true;
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return false;
  }
  return conditions.every(({ path, negate, value }) => {
    let at: unknown = json;
    for (const key of path)
      at = at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
    if (at === undefined || (typeof at === 'object' && at !== null)) return false;
    const equal = wildcard(value).test(String(at));
    return negate ? !equal : equal;
  });
}

export class LocalLogs {
  private readonly groups = new Map<string, Group>();
  private seq = 0;

  constructor(
    private readonly limits: { maxEvents: number; maxBytes: number } = {
      maxEvents: 20_000,
      maxBytes: 32 * 1024 * 1024,
    },
  ) {}

  /** Log groups exist before anything is written (the stack creates them with the state machines). */
  createGroup(name: string): void {
    if (!this.groups.has(name)) this.groups.set(name, { events: [], bytes: 0 });
  }

  put(groupName: string, logStreamName: string, timestamp: number, message: string): void {
    const group = this.group(groupName);
    const seq = ++this.seq;
    group.events.push({
      logStreamName,
      timestamp,
      ingestionTime: Date.now(),
      eventId: String(seq).padStart(20, '0'),
      message,
      seq,
    });
    group.bytes += message.length;
    while (
      group.events.length > this.limits.maxEvents ||
      (group.bytes > this.limits.maxBytes && group.events.length > 1)
    )
      group.bytes -= group.events.shift()!.message.length;
  }

  /** FilterLogEvents: the events in time order, at most `limit` a page, the rest through nextToken. */
  filter(request: {
    logGroupName?: string;
    logGroupIdentifier?: string;
    filterPattern?: string;
    startTime?: number;
    endTime?: number;
    limit?: number;
    nextToken?: string;
  }): { events: LogEvent[]; nextToken?: string; searchedLogStreams: [] } {
    const name = request.logGroupName ?? request.logGroupIdentifier?.replace(/^arn:.*:log-group:|:\*$/g, '');
    if (!name)
      throw new LogsError('InvalidParameterException', 'logGroupName or logGroupIdentifier is required');
    const group = this.group(name);
    const conditions = parseFilterPattern(request.filterPattern);
    const limit = Math.min(Math.max(1, request.limit ?? 10_000), 10_000);
    const after = request.nextToken ? Number(request.nextToken) : 0;
    if (!Number.isFinite(after))
      throw new LogsError('InvalidParameterException', 'The nextToken is not valid');
    const found: LogEvent[] = [];
    for (const { seq, ...event } of group.events) {
      if (seq <= after) continue;
      if (request.startTime !== undefined && event.timestamp < request.startTime) continue;
      if (request.endTime !== undefined && event.timestamp > request.endTime) continue;
      if (!matches(conditions, event.message)) continue;
      if (found.length === limit)
        return { events: found, nextToken: String(Number(found.at(-1)!.eventId)), searchedLogStreams: [] };
      found.push(event);
    }
    return { events: found, searchedLogStreams: [] };
  }

  private group(name: string): Group {
    const group = this.groups.get(name);
    if (!group) throw new LogsError('ResourceNotFoundException', 'The specified log group does not exist.');
    return group;
  }
}
