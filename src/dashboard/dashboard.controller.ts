import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Controller, Get, Header, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

/**
 * The files next to this module: src/dashboard/public/ when run from source (tests), and
 * dist/dashboard/public/, which `npm run build` copies there (`tsc` copies no static files), when
 * run from dist/, so a deployment that ships dist/ alone serves the dashboard.
 */
export const DASHBOARD_PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'public');

export const DASHBOARD_FILES = Symbol('DASHBOARD_FILES');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
}

/** Every file the page is made of, read once at start: a fixed list, so no request names a path. */
export class DashboardFiles {
  private readonly files = new Map<string, StaticFile>();

  constructor(directory: string = DASHBOARD_PUBLIC_DIR) {
    for (const name of ['index.html', 'app.js', 'api.js', 'render.js', 'app.css', 'favicon.svg']) {
      const type = CONTENT_TYPES[name.slice(name.lastIndexOf('.'))]!;
      this.files.set(name, { body: readFileSync(join(directory, name)), type });
    }
  }

  get(name: string): StaticFile | undefined {
    return name === 'index.html' ? undefined : this.files.get(name);
  }

  get page(): StaticFile {
    return this.files.get('index.html')!;
  }
}

/** GET / and /assets/<file>: public (src/auth/route-policy.ts); the page asks for a token itself. */
@ApiExcludeController()
@Controller()
export class DashboardController {
  constructor(@Inject(DASHBOARD_FILES) private readonly files: DashboardFiles) {}

  @Get()
  @Header('Cache-Control', 'no-cache')
  page(@Res({ passthrough: true }) reply: FastifyReply): Buffer {
    void reply.type(this.files.page.type);
    return this.files.page.body;
  }

  @Get('assets/:file')
  @Header('Cache-Control', 'no-cache')
  asset(@Param('file') name: string, @Res({ passthrough: true }) reply: FastifyReply): Buffer {
    const file = this.files.get(name);
    if (file === undefined) throw new NotFoundException(`no dashboard asset named ${name}`);
    void reply.type(file.type);
    return file.body;
  }
}
