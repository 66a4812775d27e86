/** The JWT secret of test servers (no vitest import: child processes use it too). */
export const TEST_SECRET = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
