/**
 * The REST surface around the command catalog: operations, shapes, scopes, statuses, error codes
 * and limits (seeds 000–003, issues 2, 3 and 10). The data lives in spec/api/; this module is the
 * import path the server, the generator and the tests use.
 */
export * from './api/index.js';
