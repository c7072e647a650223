import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { EntityManager } from 'typeorm';
import type { NewOutboxEvent } from './event-types';
import { OutboxRepository } from './outbox.repository';

/**
 * The transactional outbox as services see it: `append` inside the business transaction, `committed` right
 * after it commits so the relay publishes at once instead of at its next poll.
 */
@Injectable()
export class OutboxService {
  /** Emits after a transaction that wrote events has committed; the relay listens. */
  readonly commits$ = new Subject<void>();

  constructor(private readonly outbox: OutboxRepository) {}

  append(manager: EntityManager, event: NewOutboxEvent): Promise<{ id: number; eventId: number }> {
    return this.outbox.append(manager, event);
  }

  committed(): void {
    this.commits$.next();
  }
}
