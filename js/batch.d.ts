// Type declarations for `callingbox/batch`: createMany.

import type { Call, CallCreateParams } from "./api.js";
import type { CallingBox, CallingBoxError } from "./index.js";

/** How each row's Idempotency-Key is made: from a batch id, or by a function of your own. */
export type BatchKeys<Row> =
  | {
      /**
       * Row `i` is sent with the Idempotency-Key `${batchId}-${i}`: running the same batch (the
       * same rows in the same order) with the same batchId again places no call twice. Keep it
       * with the batch (a campaign id, a file's hash).
       */
      batchId: string;
      idempotencyKey?: undefined;
    }
  | {
      batchId?: string;
      /** Chooses each row's Idempotency-Key instead (1-255 printable ASCII characters, one per row). */
      idempotencyKey: (row: Row, index: number) => string;
    };

export type CreateManyOptions<Row extends CallCreateParams = CallCreateParams> = BatchKeys<Row> & CreateManyTuning;

export interface CreateManyTuning {
  /** Requests in flight at most (1-64, default 4). A 429 halves it for a while. */
  concurrency?: number;
  /** Requests started per second at most (at least 0.001; default: no limit besides `concurrency`). */
  ratePerSecond?: number;
  /**
   * Attempts per row (1-100, default 8) for failures a retry can fix: 429, 408, 5xx, connection,
   * timeout, outcome unknown. A row that an attempt may have placed and that ends without an
   * answer ends with an OutcomeUnknownError (running the batch again settles it).
   */
  maxAttempts?: number;
  /**
   * Stops the batch: requests in flight are aborted, rows not sent end with an AbortError (an
   * OutcomeUnknownError for a row an earlier attempt may have placed).
   */
  signal?: AbortSignal;
  /** Called after each row settles; what it throws is ignored. */
  onProgress?: (progress: BatchProgress) => void;
}

export interface BatchProgress {
  total: number;
  /** Rows settled: placed + failed + invalid. */
  done: number;
  placed: number;
  failed: number;
  invalid: number;
  inFlight: number;
  /** The concurrency in force (lower than asked for after a 429). */
  concurrency: number;
}

/** One row's outcome: its call, or its error (a ValidationError for an invalid row, reported before any request). */
export type BatchResult<Row = CallCreateParams> =
  | { index: number; row: Row; call: Call; error?: undefined }
  | { index: number; row: Row; error: CallingBoxError; call?: undefined };

export interface BatchSummary {
  batchId?: string;
  total: number;
  placed: number;
  failed: number;
  invalid: number;
  durationMs: number;
}

export interface BatchRun<Row = CallCreateParams> extends AsyncIterable<BatchResult<Row>> {
  readonly batchId?: string;
  /** Runs the batch to its end (starting it if nobody iterates) and resolves its summary. */
  done(): Promise<BatchSummary>;
}

/**
 * One `calls.create` per row, `concurrency` at a time, each under an idempotency key derived
 * from the batch. Every row is read and checked first: invalid rows are reported before any
 * request. Nothing is sent until the run is iterated or `done()` is called; leaving the loop
 * early starts no more rows (requests in flight finish).
 */
export declare function createMany<Row extends CallCreateParams>(
  client: CallingBox,
  rows: Iterable<Row> | AsyncIterable<Row>,
  options: CreateManyOptions<Row>,
): BatchRun<Row>;
