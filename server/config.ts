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
  };
}
