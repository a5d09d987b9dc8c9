// Types for `callingbox/webhooks`: webhook signature verification. The event type and the error
// classes are the main entry's (index.d.ts); the errors this entry throws are `instanceof` the
// classes of either entry.
import type { WebhookEvent } from "./index.js";

export type { WebhookEvent } from "./index.js";
export { CallingBoxError, ValidationError, WebhookSignatureError } from "./index.js";

export declare const Webhooks: {
  /**
   * Verifies the `CallingBox-Signature` header over the raw body (synchronously, on every
   * runtime) and returns the parsed event. Throws WebhookSignatureError.
   */
  constructEvent(
    rawBody: string | Uint8Array | ArrayBuffer,
    signatureHeader: string | null | undefined,
    secret: string,
    options?: {
      /** Seconds `t` may differ from `now`: default 300, must be > 0 (0 throws ValidationError).
       *  `Infinity` skips the check: tests with recorded events only, it disables replay protection. */
      tolerance?: number;
      /** Unix seconds; default the clock. */
      now?: number;
    },
  ): WebhookEvent;
  /** A valid header for `payload` (an object is JSON.stringify'd), for tests. */
  generateTestHeader(args: { payload: unknown; secret: string; timestamp?: number }): string;
};
