/**
 * Sends a file to the presigned POST that `POST /v1/uploads` returns, as a browser form does:
 * every field unchanged, then the file as `file`, last (S3 ignores fields after the file).
 * Used by the demo loader and the tests; a browser does the same with a FormData.
 */
export async function postUpload(
  upload: { url: string; fields: Record<string, string> } | Record<string, unknown>,
  file: Uint8Array,
  fileName = 'upload',
): Promise<{ status: number; text: string }> {
  const { url, fields } = upload as { url: string; fields: Record<string, string> };
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(file)]), fileName);
  const response = await fetch(url, { method: 'POST', body: form });
  return { status: response.status, text: await response.text() };
}
