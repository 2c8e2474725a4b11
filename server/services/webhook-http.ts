/**
 * Webhook targets and signed delivery. A URL must be HTTPS and every address its host resolves to must be
 * public (no loopback, private, link-local, shared, multicast or reserved ranges), checked when the
 * subscription is made and again at each delivery; the delivery then connects to the very address that was
 * checked, so a DNS answer that changes in between (rebinding) cannot redirect it. Hosts listed in
 * WEBHOOK_ALLOWED_HOSTS skip the address rule and may use plain HTTP (on-premises receivers, tests).
 */
import { createHmac } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';
import { DomainError } from '../errors.ts';

// Two lists: a BlockList also matches IPv4 addresses against IPv6 rules for IPv4-mapped addresses.
const blocked = new BlockList();
const blocked6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  blocked6.addSubnet(net, prefix, 'ipv6');

/** True for an address a webhook must never reach (unless its host is explicitly allowed). */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) return blocked6.check(address, 'ipv6');
  return true;
}

export interface CheckedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

const refused = (message: string) => new DomainError('webhook-url-refused', message, 'url');

/** Checks a webhook URL and resolves it to the address to connect to; throws webhook-url-refused. */
export async function checkWebhookTarget(
  raw: string,
  allowedHosts: readonly string[] = [],
): Promise<CheckedTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused('The webhook URL is not a valid absolute URL.');
  }
  if (url.username || url.password) throw refused('The webhook URL must not contain credentials.');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const allowed = allowedHosts.some(
    (h) =>
      h
        .trim()
        .toLowerCase()
        .replace(/^\[|\]$/g, '') === host,
  );
  if (url.protocol !== 'https:' && !(allowed && url.protocol === 'http:')) {
    throw refused('The webhook URL must use HTTPS.');
  }
  let addresses: { address: string; family: number }[];
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch {
      throw refused('The webhook host does not resolve.');
    }
  }
  if (addresses.length === 0) throw refused('The webhook host does not resolve.');
  if (!allowed && addresses.some((a) => isForbiddenAddress(a.address))) {
    throw refused(
      'The webhook host resolves to a loopback, private, link-local or reserved address; only public addresses are allowed.',
    );
  }
  const first = addresses[0] as { address: string; family: number };
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>` */
export function signature(secret: string, unixSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export interface WebhookResult {
  ok: boolean;
  status: number | null;
  error: string | null;
}

/** POSTs a signed body to the checked address (never re-resolving the host); 2xx is success. */
export async function postWebhook(
  target: CheckedTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs = 10_000,
): Promise<WebhookResult> {
  const { url, address, family } = target;
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'cosell-webhooks/1',
          ...headers,
        },
        // Connect to the address that passed the check; TLS still verifies the certificate for the host name.
        lookup: (_hostname, options, callback) => {
          if ((options as { all?: boolean }).all) {
            (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
              { address, family },
            ]);
          } else callback(null, address, family);
        },
        timeout: timeoutMs,
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          const ok = status >= 200 && status < 300;
          resolve({ ok, status, error: ok ? null : `HTTP ${status}` });
        });
        response.on('error', (error) => resolve({ ok: false, status: null, error: error.message }));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error) => resolve({ ok: false, status: null, error: error.message }));
    request.end(body);
  });
}
