import { Controller, Get, Header } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Public } from '../security/api-key.guard';

/** The page at `/` to try the service in a browser: one self-contained HTML file. */
@Public()
@Controller()
export class WebController {
  // Read once at boot; the build copies index.html next to the compiled controller.
  private readonly page = readFileSync(join(__dirname, 'index.html'), 'utf8');

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-cache')
  index(): string {
    return this.page;
  }
}
