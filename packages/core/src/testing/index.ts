/**
 * Test helpers for backend authors: `@tagcache/core/testing`. Needs Vitest.
 * @packageDocumentation
 */
export { type BackendSuiteOptions, backendConformanceSuite } from './backend-suite.js';
export { type BusPair, type BusSuiteOptions, busConformanceSuite } from './bus-suite.js';
export { ChaosBackend, type ChaosMode } from './chaos-backend.js';
export { LoopbackBus, LoopbackHub } from './loopback-bus.js';
