/** The one error shape of every endpoint, as an API Gateway result (no Powertools: the local API uses it too). */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ErrorBody } from '../../schemas/errors.ts';

export function errorResponse(status: number, code: string, message: string, details?: unknown) {
  const body: ErrorBody = { error: { code, message, ...(details === undefined ? {} : { details }) } };
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  } satisfies APIGatewayProxyStructuredResultV2;
}
