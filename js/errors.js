// Error classes. Every failure the SDK reports is one of these: a real `Error` with a
// stable `name` and `code` (branch on `err.code` or use `instanceof`). The wasm core
// produces plain records ({ __callingbox, name, code, message, ... }); `adopt` turns them
// into instances. Messages and properties never contain the API key.

export class CallingBoxError extends Error {
  constructor(message, props) {
    super(message, props && props.cause !== undefined ? { cause: props.cause } : undefined);
    if (props) {
      for (const key of Object.keys(props)) {
        if (key !== "cause" && key !== "name" && key !== "message") this[key] = props[key];
      }
    }
  }
}

const define = (Base, name, code) => {
  const Cls = { [name]: class extends Base {} }[name];
  Object.defineProperty(Cls.prototype, "name", { value: name, writable: true, configurable: true });
  Object.defineProperty(Cls.prototype, "code", { value: code, writable: true, configurable: true });
  return Cls;
};

Object.defineProperty(CallingBoxError, "name", { value: "CallingBoxError" });
Object.defineProperty(CallingBoxError.prototype, "name", { value: "CallingBoxError", writable: true, configurable: true });
Object.defineProperty(CallingBoxError.prototype, "code", { value: "callingbox_error", writable: true, configurable: true });

/** An argument was rejected before any network I/O. `field` names it. */
export const ValidationError = define(CallingBoxError, "ValidationError", "validation_error");
/** A phone number is not E.164; `reason` says why (missing_plus, too_long, ...). */
export const InvalidPhoneNumberError = define(ValidationError, "InvalidPhoneNumberError", "invalid_phone_number");
/** The API answered with an error status: `status`, `requestId`, `body` (parsed when JSON). */
export const APIError = define(CallingBoxError, "APIError", "api_error");
export const BadRequestError = define(APIError, "BadRequestError", "bad_request");
export const AuthenticationError = define(APIError, "AuthenticationError", "authentication_error");
export const InsufficientCreditError = define(APIError, "InsufficientCreditError", "insufficient_credit");
export const PermissionDeniedError = define(APIError, "PermissionDeniedError", "permission_denied");
export const NotFoundError = define(APIError, "NotFoundError", "not_found");
export const ConflictError = define(APIError, "ConflictError", "conflict");
export const UnprocessableEntityError = define(APIError, "UnprocessableEntityError", "unprocessable_entity");
export const RateLimitError = define(APIError, "RateLimitError", "rate_limited");
export const InternalServerError = define(APIError, "InternalServerError", "server_error");
/** 502: the telephony provider could not place the call. */
export const TelephonyProviderError = define(InternalServerError, "TelephonyProviderError", "telephony_provider_error");
/** The request could not be sent or its answer was lost (network down, connection refused, reset). */
export const APIConnectionError = define(CallingBoxError, "APIConnectionError", "connection_error");
/** No complete answer within `timeout` ms. */
export const TimeoutError = define(CallingBoxError, "TimeoutError", "timeout");
/** The caller's AbortSignal fired. */
export const AbortError = define(CallingBoxError, "AbortError", "aborted");
/** A 2xx answer whose body is not the documented resource (not JSON, truncated, wrong types). */
export const InvalidResponseError = define(CallingBoxError, "InvalidResponseError", "invalid_response");
/** A POST may or may not have taken effect; retry with the same `idempotencyKey` or look it up. */
export const OutcomeUnknownError = define(CallingBoxError, "OutcomeUnknownError", "outcome_unknown");
/** A webhook failed verification; `reason` says why. */
export const WebhookSignatureError = define(CallingBoxError, "WebhookSignatureError", "webhook_signature_invalid");

const CLASSES = {
  ValidationError, InvalidPhoneNumberError, APIError, BadRequestError, AuthenticationError,
  InsufficientCreditError, PermissionDeniedError, NotFoundError, ConflictError,
  UnprocessableEntityError, RateLimitError, InternalServerError, TelephonyProviderError,
  APIConnectionError, TimeoutError, AbortError, InvalidResponseError, OutcomeUnknownError,
  WebhookSignatureError,
};

/** Turns a record thrown by the wasm core into an Error instance; other values pass through. */
export function adopt(thrown) {
  let raw = thrown;
  if (typeof thrown === "string") {
    try {
      raw = JSON.parse(thrown);
    } catch {
      return thrown;
    }
  }
  if (!raw || typeof raw !== "object" || raw.__callingbox !== true) return thrown;
  const Cls = Object.hasOwn(CLASSES, raw.name) ? CLASSES[raw.name] : CallingBoxError;
  const props = {};
  for (const key of Object.keys(raw)) {
    if (key !== "__callingbox" && key !== "name" && key !== "message") props[key] = raw[key];
  }
  // `body` is already the parsed document when the core could parse it, else the text.
  return new Cls(raw.message, props);
}
