/** Base path of the public API (API.md). Operations endpoints (/health, /metrics, /docs, /uploads) live outside it. */
export const API_PREFIX = 'api/v1';
