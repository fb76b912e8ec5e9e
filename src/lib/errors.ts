import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from '@hono/zod-openapi';

/**
 * One error type for the whole app: a stable `code` mapped to an HTTP status, rendered once by
 * `app.onError` as RFC 9457 problem+json.
 *
 * @example throw new AppError('not_found', 'Product prd_x does not exist')
 */
const STATUS_BY_CODE = {
  bad_request: 400,
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_rejected: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  insufficient_stock: 409,
  invalid_state: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_mismatch: 422,
  unprocessable: 422,
  rate_limited: 429,
  payment_provider_error: 502,
  internal: 500,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof STATUS_BY_CODE;

const TITLES: Record<ErrorCode, string> = {
  bad_request: 'Bad request',
  validation_failed: 'Your request is not valid',
  unauthenticated: 'Sign-in required',
  forbidden: 'Not allowed',
  csrf_rejected: 'Cross-site request rejected',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  conflict: 'Conflict',
  insufficient_stock: 'Not enough stock',
  invalid_state: 'Not possible in the current state',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  idempotency_mismatch: 'Idempotency key reused with a different request',
  unprocessable: 'Unprocessable request',
  rate_limited: 'Too many requests',
  payment_provider_error: 'Payment provider error',
  internal: 'Internal error',
};

/**
 * One refused field. `rule` names the rule it broke, for clients (and our own pages) that word the refusal
 * themselves, e.g. in Chinese; `message` is the API's English wording.
 */
export type FieldError = { path: string; message: string; rule?: string };

export class AppError extends HTTPException {
  readonly code: ErrorCode;
  readonly errors?: FieldError[];
  /** Extra members of the problem document, e.g. `{ productId, available }`. */
  readonly extensions?: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    detail: string,
    options: { errors?: FieldError[]; extensions?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(STATUS_BY_CODE[code], { message: detail, cause: options.cause });
    this.code = code;
    this.errors = options.errors;
    this.extensions = options.extensions;
  }
}

export const problemSchema = z
  .object({
    type: z.string().openapi({ example: '/problems/not_found' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string(), rule: z.string().optional().openapi({ description: 'The rule broken, where the service names it', example: 'deadline_too_far' }) }))
      .optional(),
  })
  .passthrough()
  .openapi('Problem');

export function problemBody(
  code: ErrorCode,
  detail: string,
  errors?: FieldError[],
  extensions?: Record<string, unknown>,
) {
  // Extensions first: RFC 9457's own members (status above all, which clients compare with the HTTP
  // status) can never be replaced by an extension that happens to share a name.
  return {
    ...extensions,
    type: `/problems/${code}`,
    title: TITLES[code],
    status: STATUS_BY_CODE[code],
    detail,
    code,
    ...(errors ? { errors } : {}),
  };
}

export function problemResponse(error: AppError): Response {
  return new Response(JSON.stringify(problemBody(error.code, error.message, error.errors, error.extensions)), {
    status: error.status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8' },
  });
}

/** The rule a shared schema names on its refinements (`params: { rule }`), e.g. `control_characters`. */
export function issueRule(issue: z.core.$ZodIssue): string | undefined {
  const rule = issue.code === 'custom' ? (issue.params as { rule?: unknown } | undefined)?.rule : undefined;
  return typeof rule === 'string' ? rule : undefined;
}

/** Zod issues → `[{ path: 'query.limit', message }]`, naming the parameter the client got wrong. */
export function fieldErrors(error: z.ZodError, prefix?: string): FieldError[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    const rule = issueRule(issue);
    return { path: path || '(root)', message: issue.message, ...(rule ? { rule } : {}) };
  });
}

export function validationError(error: z.ZodError, target?: string): AppError {
  const errors = fieldErrors(error, target === 'json' || target === 'form' ? 'body' : target);
  const names = errors.map((e) => e.path).join(', ');
  return new AppError('validation_failed', `Invalid ${names}`, { errors });
}

/** Hono's `onError`: AppError and HTTPException as problem+json; anything else a logged 500 without internals. */
export function handleError(error: Error, c: Context): Response {
  if (error instanceof AppError) return problemResponse(error);
  if (error instanceof HTTPException) {
    const status = error.status;
    const code: ErrorCode =
      status === 401 ? 'unauthenticated' : status === 403 ? 'forbidden' : status === 404 ? 'not_found' : status === 413 ? 'payload_too_large' : status === 429 ? 'rate_limited' : status >= 500 ? 'internal' : 'bad_request';
    return new Response(JSON.stringify({ ...problemBody(code, error.message || TITLES[code]), status }), {
      status,
      headers: { 'content-type': 'application/problem+json; charset=utf-8' },
    });
  }
  if (error instanceof SyntaxError) {
    return problemResponse(new AppError('bad_request', 'The request body is not valid JSON'));
  }
  console.error(`[${c.req.method} ${c.req.path}]`, error);
  return problemResponse(new AppError('internal', 'Something went wrong on our side; please try again.'));
}

/** Shared error responses, spread into every route's `responses` so the OpenAPI document lists them. */
const problemContent = { 'application/problem+json': { schema: problemSchema } };
export const errorResponses = {
  400: { description: 'Invalid input', content: problemContent },
  401: { description: 'Sign-in required', content: problemContent },
  403: { description: 'Not allowed', content: problemContent },
  404: { description: 'Not found', content: problemContent },
  409: { description: 'Conflict with current state', content: problemContent },
  422: { description: 'Unprocessable', content: problemContent },
  429: { description: 'Rate limited', content: problemContent },
} as const;
