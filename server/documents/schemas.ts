/** The document request schemas live in the shared HTTP contract; re-exported for server code. */
export * from '../../signaling/http/documentRequests.js';
