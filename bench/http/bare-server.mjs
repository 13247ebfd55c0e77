// The baseline server of bench/http-positions.bench.mjs, run as its own process: a bare NestJS app on
// Fastify with the ledger's own position DTO and global validation pipe (the compiled dist classes),
// one route that validates the body and answers 201, and nothing else (no store, auth, hooks).
//
//   PORT=3101 node bench/http/bare-server.mjs      # prints "listening <port>" when ready
import { servePositionsRoute } from './positions-route-app.mjs';

await servePositionsRoute({ defaultPort: 3101, handle: (normId, body) => ({ normId, statementId: body.statementId }) });
