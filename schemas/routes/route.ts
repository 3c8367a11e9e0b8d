/**
 * The shape of an HTTP route: the contract both the handler (request parsing, roles) and the
 * deployment (API Gateway route, authorizer, OpenAPI) read. Dependency-light on purpose: a Lambda
 * bundle that imports its own route carries this file and its route's schemas, nothing else.
 */
import type * as z from 'zod';
import { errorBodySchema } from '../errors.ts';
import type { Role } from '../roles.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export interface RouteDeclaration {
  method: HttpMethod;
  /** API Gateway path syntax: /v1/things/{id} */
  path: string;
  /** The function behind the route (a key of `functions` in infra/resources.ts, checked there). */
  function: string;
  /** 'public' routes skip the JWT authorizer; otherwise the roles that may call. */
  roles: 'public' | readonly Role[];
  summary: string;
  tags: string[];
  request?: {
    params?: z.ZodObject;
    query?: z.ZodObject;
    body?: z.ZodType;
  };
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

/** A list route: its query takes an opaque `cursor` (its function signs cursors: functions/shared/cursor.ts). */
export function takesCursor(route: Pick<RouteDeclaration, 'request'>): boolean {
  return route.request?.query?.shape.cursor !== undefined;
}

export const adminRoles = ['province-admin', 'national-admin'] as const;
/** Responses every authenticated route may give. */
export const routeErrors = {
  400: { description: 'Invalid request: see error.details', schema: errorBodySchema },
  401: { description: 'Missing or invalid bearer token', schema: errorBodySchema },
  403: { description: 'Your role may not call this route', schema: errorBodySchema },
} as const;
