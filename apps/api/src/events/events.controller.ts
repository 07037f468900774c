import { Controller, Get, HttpException, Param } from '@nestjs/common';
import { Public } from '@kommuna/platform-auth';
import { EVENT_CONTRACTS } from '@kommuna/shared-service-contracts';
import { buildEventsAsyncApi } from './asyncapi';

/**
 * The event contracts for the municipalities' integrators, public as the OpenAPI documents are:
 * the AsyncAPI document and each event type's data schema by its CloudEvents type.
 */
@Controller('events')
export class EventsController {
  private readonly asyncApi = buildEventsAsyncApi();

  @Public()
  @Get('asyncapi.json')
  asyncapi(): unknown {
    return this.asyncApi;
  }

  @Public()
  @Get('schemas/:type')
  schema(@Param('type') type: string): unknown {
    const wanted = type.replace(/\.json$/, '');
    const contract = EVENT_CONTRACTS.find((c) => c.cloudEventType === wanted);
    if (!contract) {
      throw new HttpException(
        {
          code: 'NOT_FOUND',
          message: `No published event type ${wanted}; the types are ${EVENT_CONTRACTS.map((c) => c.cloudEventType).join(', ')}`,
        },
        404,
      );
    }
    return contract.dataSchema;
  }
}
