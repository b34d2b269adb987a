import { Controller, Get, Header } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Public } from '../security/api-key.guard';
import { ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';

// Read once at boot; the build copies these files next to the compiled controller.
const asset = (file: string): string => readFileSync(join(__dirname, file), 'utf8');

/**
 * The page at `/` to try the service in a browser: HTML, one script and one stylesheet, all
 * same-origin, as helmet's default Content-Security-Policy requires (no inline code).
 */
@Public()
@Controller()
export class WebController {
  private readonly page = asset('index.html');
  private readonly script = asset('app.js');
  private readonly styles = asset('app.css');

  @Get()
  @ApiOperation({ summary: 'The try-it page' })
  @ApiProduces('text/html')
  @ApiOkResponse({ schema: { type: 'string' } })
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-cache')
  index(): string {
    return this.page;
  }

  @Get('app.js')
  @ApiOperation({ summary: 'Script of the try-it page' })
  @ApiProduces('text/javascript')
  @ApiOkResponse({ schema: { type: 'string' } })
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', 'no-cache')
  app(): string {
    return this.script;
  }

  @Get('app.css')
  @ApiOperation({ summary: 'Stylesheet of the try-it page' })
  @ApiProduces('text/css')
  @ApiOkResponse({ schema: { type: 'string' } })
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', 'no-cache')
  stylesheet(): string {
    return this.styles;
  }
}
