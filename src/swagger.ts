import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ErrorEnvelopeDto, ValidationErrorItemDto } from './common/errors';

/** Swagger UI at /docs and the OpenAPI 3 document at /docs-json. */
export function setupSwagger(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Table Order API')
      .setDescription(
        'Tablets order, staff follow orders live, the platform manages stores. Every error has the envelope ' +
          '`ErrorEnvelope`; money is integer KRW; timestamps are ISO 8601 UTC.',
      )
      .setVersion('1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT (RS256)' })
      .build(),
    { extraModels: [ErrorEnvelopeDto, ValidationErrorItemDto] },
  );
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Table Order API',
  });
}
