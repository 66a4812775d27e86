/** The case request schemas live in the shared HTTP contract; re-exported for server code. */
export * from '../../signaling/http/caseRequests.js';
