import { BeforeApplicationShutdown, Controller, Get, HttpCode, HttpException, HttpStatus } from '@nestjs/common';
import { Public } from '@kommuna/platform-auth';
import { Database } from '@kommuna/platform-persistence';

/** Liveness (the process answers) and readiness (it can serve: database reachable, not stopping). */
@Public()
@Controller('health')
export class HealthController implements BeforeApplicationShutdown {
  private stopping = false;

  constructor(private readonly database: Database) {}

  beforeApplicationShutdown(): void {
    this.stopping = true;
  }

  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(): Promise<{ status: 'ready' }> {
    if (this.stopping) throw new HttpException({ status: 'stopping' }, HttpStatus.SERVICE_UNAVAILABLE);
    try {
      await this.database.dataSource.query('SELECT 1');
    } catch {
      throw new HttpException({ status: 'database unavailable' }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    return { status: 'ready' };
  }
}
