import { z } from 'zod';
import { ValidationError } from '../../domain/errors.js';

/** Graph API version used when an account does not name one. */
export const DEFAULT_API_VERSION = 'v21.0';
/** Where the Graph API lives unless an account (or a test) points elsewhere. */
export const DEFAULT_BASE_URL = 'https://graph.facebook.com';
/** Largest inbound media file stored (WhatsApp's own document limit is 100 MB). */
export const DEFAULT_MAX_MEDIA_BYTES = 100 * 1024 * 1024;

const secret = z.string().min(1).max(4096);

/** `config` of a Cloud API account. Secrets stay in the account config; the API never returns them. */
export const cloudConfigSchema = z.object({
  phoneNumberId: z.string().regex(/^\d{1,32}$/, 'must be the numeric phone number id from Meta'),
  accessToken: secret,
  appSecret: secret,
  verifyToken: secret,
  apiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/, 'must look like v21.0')
    .default(DEFAULT_API_VERSION),
  baseUrl: z
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
    .transform((u) => u.replace(/\/+$/, ''))
    .default(DEFAULT_BASE_URL),
  maxMediaBytes: z.number().int().positive().default(DEFAULT_MAX_MEDIA_BYTES),
  /** Pacing of sends (read by the engine); the Cloud API allows at most 1,000 messages a second. */
  sendRate: z
    .object({ points: z.number().int().positive(), durationMs: z.number().int().positive() })
    .refine((r) => (r.points * 1000) / r.durationMs <= 1000, 'must not exceed 1,000 messages a second')
    .optional(),
  /** Milliseconds before a Graph API call is abandoned (retryably). */
  timeoutMs: z.number().int().positive().max(600_000).default(30_000),
  /** Milliseconds a whole inbound media download may take (large videos need longer than an API call). */
  mediaTimeoutMs: z.number().int().positive().max(3_600_000).default(300_000),
});

/** A validated Cloud API account config. */
export type CloudConfig = z.infer<typeof cloudConfigSchema>;

/** Validates `config` (unknown keys such as `sendRate` pass through untouched); throws `ValidationError`. */
export function parseCloudConfig(config: Record<string, unknown>): CloudConfig {
  const result = cloudConfigSchema.safeParse(config);
  if (result.success) return result.data;
  throw new ValidationError(
    'invalid cloud connector config',
    result.error.issues.map((i) => ({ path: ['config', ...i.path].join('.'), message: i.message })),
  );
}
