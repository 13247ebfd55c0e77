import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';
import { RawJson } from '../read-model/read-model.queries.js';

/** Sends an answer stored as JSON text as it is: no parse, no re-serialisation. */
@Injectable()
export class RawJsonInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((result: unknown) => {
        if (!(result instanceof RawJson)) return result;
        void reply.header('content-type', 'application/json; charset=utf-8');
        return Buffer.from(result.json);
      }),
    );
  }
}
