import type { FastifyError, FastifyInstance } from 'fastify';

/** An error that becomes a 4xx with a body naming the offending field. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly field?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const STATUS_NAMES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
};

function validationField(error: FastifyError): string | undefined {
  const first = error.validation?.[0];
  if (!first) return undefined;
  const base = first.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const missing = (first.params as { missingProperty?: string }).missingProperty;
  const field = [base, missing].filter(Boolean).join('.');
  return field || undefined;
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof HttpError) {
      return reply.status(error.statusCode).send({
        error: STATUS_NAMES[error.statusCode] ?? 'Error',
        message: error.message,
        field: error.field,
        ...error.details,
      });
    }
    if (error.validation) {
      const field = validationField(error);
      const where = error.validationContext ?? 'body';
      const message = `${field ? `${where}.${field}` : where} ${error.validation[0]?.message ?? 'is invalid'}`;
      return reply.status(400).send({ error: 'Bad Request', message, field: field ?? where });
    }
    const status = error.statusCode ?? 500;
    if (status < 500) {
      const field =
        error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
          ? 'body'
          : undefined;
      return reply
        .status(status)
        .send({ error: STATUS_NAMES[status] ?? 'Error', message: error.message, field });
    }
    request.log.error({ err: error }, 'request failed');
    return reply
      .status(500)
      .send({ error: 'Internal Server Error', message: 'Something went wrong; the request may be retried.' });
  });
}

export function notFoundBody(method: string, url: string) {
  return { error: 'Not Found', message: `No route ${method} ${url.split('?')[0]}`, field: 'url' };
}
