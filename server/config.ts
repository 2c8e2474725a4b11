/** Configuration from the environment (the same names as `cosell serve` flags). */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  publicUrl: string;
  demoClock: boolean;
  vendorName: string;
  logLevel: string;
  expirySweepSeconds: number;
  sessionTtlHours: number;
  /** SMTP server for e-mail notices (smtp://host:port, smtps://user:pass@host:465); null: in-app and log only. */
  smtpUrl: string | null;
  mailFrom: string;
  /** Hosts or IPs webhooks may reach whatever they resolve to, over plain HTTP too. */
  webhookAllowedHosts: string[];
  dispatchIntervalMs: number;
  dispatchBatch: number;
  dispatchRetryBaseSeconds: number;
  dispatchRetryMaxSeconds: number;
  dispatchGiveUpHours: number;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL ?? 'sqlite:./data/cosell.db',
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${port}`,
    demoClock: env.COSELL_DEMO_CLOCK === '1',
    vendorName: env.VENDOR_NAME ?? 'Northwind Cloud',
    logLevel: env.LOG_LEVEL ?? 'info',
    expirySweepSeconds: Number(env.EXPIRY_SWEEP_SECONDS ?? 30),
    sessionTtlHours: Number(env.SESSION_TTL_HOURS ?? 12),
    smtpUrl: env.SMTP_URL ? env.SMTP_URL : null,
    mailFrom: env.MAIL_FROM ?? 'cosell <no-reply@localhost>',
    webhookAllowedHosts: (env.WEBHOOK_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== ''),
    dispatchIntervalMs: Number(env.DISPATCH_INTERVAL_MS ?? 2000),
    dispatchBatch: Number(env.DISPATCH_BATCH ?? 50),
    dispatchRetryBaseSeconds: Number(env.DISPATCH_RETRY_BASE_SECONDS ?? 30),
    dispatchRetryMaxSeconds: Number(env.DISPATCH_RETRY_MAX_SECONDS ?? 3600),
    dispatchGiveUpHours: Number(env.DISPATCH_GIVE_UP_HOURS ?? 72),
  };
}
