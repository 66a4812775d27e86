import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'mediation-conference' },
    redact: {
      paths: ['token', '*.token', 'auth.token', 'req.headers.authorization', 'req.headers.cookie'],
      censor: '***',
    },
  });
}
