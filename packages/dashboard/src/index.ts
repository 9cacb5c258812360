/**
 * `@tagcache/dashboard`: what the Express and Koa entry points share.
 * @packageDocumentation
 */

export {
  type PrometheusMetrics,
  type PrometheusOptions,
  prometheusMetrics,
} from './prometheus/prometheus-metrics.js';
export { Dashboard, type DashboardReply, type DashboardRequest } from './shared/dashboard.js';
export type { HotKey } from './shared/hot-keys.js';
export { type DashboardOptions, type DashboardSettings, VALUE_PREVIEW_CHARS } from './shared/options.js';
export { escapeHtml } from './shared/page.js';
export {
  DashboardRecorder,
  type InvalidationRecord,
  type PurgeRecord,
  type TimelinePoint,
} from './shared/recorder.js';
export type { BackendRow, DashboardState, SourceRow } from './shared/state.js';
export type { ValuePreview } from './shared/value-preview.js';
