import { describe } from 'vitest';
import { freshnessRules } from './rules-freshness.js';
import { hardeningRules } from './rules-hardening.js';
import { invalidationRules } from './rules-invalidation.js';
import { nestingRules } from './rules-nesting.js';
import { poisoningRules } from './rules-poisoning.js';
import { servingRules } from './rules-serving.js';
import { staleDirectiveRules } from './rules-stale-directives.js';
import { storageRules } from './rules-storage.js';
import type { AppFactory } from './support/apps.js';
import type { BackendVariant } from './support/backends.js';
import { suiteContext } from './support/suite-context.js';

/**
 * The behaviour suite: every HTTP rule of the middleware, written once and run against each
 * framework (through a real app and supertest) on each backend.
 */
export function behaviourSuite(framework: string, makeApp: AppFactory, backend: BackendVariant): void {
  describe(`${framework} on ${backend.name}`, () => {
    const context = suiteContext(makeApp, backend);
    storageRules(framework, context);
    servingRules(framework, context);
    nestingRules(framework, context);
    poisoningRules(context);
    hardeningRules(framework, context);
    freshnessRules(framework, context);
    staleDirectiveRules(framework, context);
    invalidationRules(framework, context);
  });
}
