import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';

/** SQLSTATEs after which PostgreSQL asks the client to run the transaction again. */
const RETRYABLE = new Set(['40001', '40P01']);

/**
 * Runs a unit of work in one transaction. Services pass the `EntityManager` it gives them to repository
 * methods, so everything the work writes commits or rolls back together. A serialization failure or a
 * deadlock is retried a few times, since the database asks for exactly that.
 */
@Injectable()
export class TransactionService {
  private readonly logger = new Logger(TransactionService.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async run<T>(work: (manager: EntityManager) => Promise<T>, attempts = 3): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(work);
      } catch (error) {
        const code =
          error instanceof QueryFailedError ? (error.driverError as { code?: string }).code : undefined;
        if (!code || !RETRYABLE.has(code) || attempt >= attempts) throw error;
        this.logger.warn({ code, attempt }, 'transaction retried');
      }
    }
  }
}
