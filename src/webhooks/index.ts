export { LIVE_ONLY_EVENT_TYPES, WEBHOOK_EVENT_TYPES } from './event-types.js';
export {
  generateWebhookSecret,
  MAX_WEBHOOK_URL_LENGTH,
  type WebhookInput,
  type WebhookView,
  webhookInputSchema,
} from './registry.js';
export {
  type DeliveryView,
  WEBHOOK_DEFAULTS,
  type WebhookControl,
  type WebhookOptions,
  WebhookService,
} from './service.js';
export {
  DEFAULT_TOLERANCE_SEC,
  DELIVERY_ID_HEADER,
  EVENT_ID_HEADER,
  EVENT_TYPE_HEADER,
  SIGNATURE_HEADER,
  type SignatureCheck,
  signWebhook,
  verifyWebhookSignature,
} from './signature.js';
