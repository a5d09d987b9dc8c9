// Types for `callingbox/emulator` in Node.js and Bun: everything of emulator.d.ts, plus the
// loopback HTTP server (which needs node:http, so other runtimes' entries do not have it).
import type { EmulatorOptions, EmulatorServer } from "./emulator.js";

export * from "./emulator.js";

/** Serves the emulator over HTTP on a loopback address (Node/Bun only). */
export declare function startEmulatorServer(
  options?: EmulatorOptions & {
    port?: number; host?: string; speed?: number; manualClock?: boolean;
    /** Other origins (exact, e.g. "http://127.0.0.1:5173") whose pages may call the /__emulator/ admin routes. */
    adminOrigins?: string[];
  },
): Promise<EmulatorServer>;
