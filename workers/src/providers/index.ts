export { type SmtpEmailOptions, smtpEmailProvider } from './email-smtp/index.ts';
export { DEFAULT_EMAIL_FROM, describeProviders, providersFromEnv } from './from-env.ts';
export { outboxProvider } from './outbox.ts';
export { type WebPushOptions, webPushProvider } from './push-webpush/index.ts';
export { type TwilioSmsOptions, twilioSmsProvider } from './sms-twilio/index.ts';
export * from './types.ts';
export {
  SIGNATURE_HEADER,
  signWebhookBody,
  verifyWebhookSignature,
  type WebhookOptions,
  webhookProvider,
  webhookSignatureHeader,
} from './webhook/index.ts';
