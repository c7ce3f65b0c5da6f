/** Prometheus metrics: the node's registry and the `/metrics` endpoint. */
export { type MetricsLabels, NodeMetrics } from "./metrics.js";
export { DEFAULT_PROMETHEUS_LADDR, MetricsServer, parseMetricsLaddr } from "./server.js";
