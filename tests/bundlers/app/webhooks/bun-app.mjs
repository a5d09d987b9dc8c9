// The webhook app `bun build` bundles (default target) and Bun then runs:
//   bun dist/bun-webhooks/bun-app.js
import { Webhooks, WebhookSignatureError } from "callingbox/webhooks";
import { VECTOR, verifyVector } from "./vector.mjs";

console.log(`WEBHOOKS OK ${verifyVector(Webhooks, WebhookSignatureError, VECTOR)}`);
