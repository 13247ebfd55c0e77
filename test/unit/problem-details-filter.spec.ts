import { HttpException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ProblemDetailsFilter } from '../../src/shared/http/problem-details.filter.js';
import { problemType } from '../../src/shared/http/problem-details.js';

/** Fastify errors that reach the filter wrapped in an HttpException, as Nest's adapter hands them over. */
const wrapped = (status: number, code: string, message: string): HttpException => {
  const cause = Object.assign(new Error(message), { code, statusCode: status });
  return new HttpException(message, status, { cause });
};

describe('ProblemDetailsFilter: what Fastify itself refuses', () => {
  const filter = new ProblemDetailsFilter();

  it('answers a .. segment under a static prefix (/docs/../package.json) as the 404 it is, not a 403 that reads as a missing role', () => {
    const request = { method: 'GET', url: '/docs/../package.json?x=1' } as FastifyRequest;
    expect(filter.toProblem(wrapped(403, 'FST_STATIC_FORBIDDEN_PATH', 'Forbidden'), request)).toEqual({
      type: problemType('route-not-found'),
      title: 'Route not found',
      status: 404,
      detail: 'there is no route GET /docs/../package.json: a path with a .. segment names nothing here',
    });
  });
});
