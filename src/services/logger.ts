import pino from 'pino'

// ID and phone numbers never reach the logs.
export function createLogger(level: string) {
  return pino({
    level,
    redact: {
      paths: [
        'docNumber',
        'doc_number',
        'phone',
        'password',
        '*.docNumber',
        '*.doc_number',
        '*.phone',
        '*.password',
        'req.body',
        'req.headers.cookie',
      ],
      censor: '[redacted]',
    },
  })
}

export type Logger = ReturnType<typeof createLogger>
