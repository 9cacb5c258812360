import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import { accelerateTests } from './suite/accelerate.js';
import { concurrencyTests } from './suite/concurrency.js';
import { decimalTests } from './suite/decimal.js';
import { differentialTests } from './suite/differential.js';
import { rowDifferentialTests } from './suite/differential-rows.js';
import { fidelityTests } from './suite/fidelity.js';
import { invalidationTests } from './suite/invalidation.js';
import { mappedModelTests } from './suite/mapped-models.js';
import { readAfterWriteTests } from './suite/read-after-write.js';
import { readTests } from './suite/reads.js';
import { rowPreciseTests } from './suite/row-precise.js';
import { transactionTests } from './suite/transactions.js';
import { postgresAvailable, postgresDatabase, postgresUrl, type TestDatabase } from './support/databases.js';

// Under CI=true this always runs (and fails if the server is missing); elsewhere it skips loudly.
const available = await postgresAvailable();
if (!available)
  console.warn(`\n⚠ PostgreSQL is not reachable at ${postgresUrl}: its Prisma suite is skipped\n`);

describe.runIf(available)('@tagcache/prisma on PostgreSQL (pg adapter)', () => {
  let database: TestDatabase;
  const db = () => database;
  beforeAll(async () => {
    database = await postgresDatabase();
  });
  beforeEach(() => database.reset());
  afterAll(() => database?.close());

  readTests(db);
  fidelityTests(db);
  decimalTests(db);
  accelerateTests(db);
  invalidationTests(db);
  transactionTests(db);
  concurrencyTests(db);
  readAfterWriteTests(db);
  differentialTests(db);
  mappedModelTests(db);
  rowPreciseTests(db);
  rowDifferentialTests(db);
});
