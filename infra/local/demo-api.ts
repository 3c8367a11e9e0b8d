/**
 * How the demo steps (infra/local/demo*.ts) reach the local cloud: a token from the local dev issuer,
 * and the API called as a client calls it (a non-2xx answer stops the demo step with what it said).
 */
import type { LocalCloud } from './cloud.ts';
import { postUpload } from './post-upload.ts';

export type DemoCloud = Pick<LocalCloud, 'apiUrl' | 'controlUrl'>;

/** A bearer token of `role` (with org, province, department, sub ...) from the local issuer. */
export async function tokenFor(
  cloud: Pick<LocalCloud, 'controlUrl'>,
  role: string,
  extra: Record<string, string> = {},
): Promise<string> {
  const response = await fetch(`${cloud.controlUrl}/_local/token`, {
    method: 'POST',
    body: JSON.stringify({ role, ...extra }),
  });
  return ((await response.json()) as { token: string }).token;
}

/** The API caller of one demo step; `label` names the step in the error it throws on a non-2xx answer. */
export function demoCaller(label: string) {
  return async (
    cloud: Pick<LocalCloud, 'apiUrl'>,
    token: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${cloud.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: demo responses are read field by field
    const json = (await response.json().catch(() => ({}))) as Record<string, any>;
    if (!response.ok)
      throw new Error(`${label}: ${method} ${path} answered ${response.status}: ${JSON.stringify(json)}`);
    return json;
  };
}

/** Fires a schedule of the local scheduler now, as `npm run job -- <name>` does. */
export async function fireSchedule(cloud: Pick<LocalCloud, 'controlUrl'>, name: string, payload = {}) {
  const fired = await fetch(`${cloud.controlUrl}/_local/schedules/${name}/fire`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ payload }),
  });
  const result = (await fired.json().catch(() => ({}))) as Record<string, unknown>;
  return { ok: fired.ok && result.ok !== false, result };
}

/**
 * A batch file uploaded as a client does (POST /v1/uploads, then the presigned POST), and its job
 * followed until it ends (30 s at most); the job as read, or an error naming the step and the outcome.
 */
export async function uploadAndWait(
  cloud: Pick<LocalCloud, 'apiUrl'>,
  label: string,
  token: string,
  fileName: string,
  file: Buffer,
) {
  const call = demoCaller(label);
  const upload = await call(cloud, token, 'POST', '/v1/uploads', { fileName, sizeBytes: file.length });
  const posted = await postUpload(upload, file);
  if (posted.status !== 204) throw new Error(`${label}: upload answered ${posted.status}: ${posted.text}`);
  let job: Record<string, unknown> = {};
  for (let wait = 0; wait < 300; wait++) {
    job = await call(cloud, token, 'GET', `/v1/jobs/${upload.jobId}`);
    if (job.status === 'succeeded' || job.status === 'failed') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (job.status !== 'succeeded')
    throw new Error(
      `${label}: the upload job of ${fileName} ended ${job.status}: ${JSON.stringify(job.failure ?? {})}`,
    );
  return job;
}
