// The phone app `bun build` bundles (default target) and Bun then runs:
//   bun dist/bun-phone/bun-app.js
import * as phone from "callingbox/phone";
import { checkPhones } from "./check.mjs";

console.log(`PHONE OK ${checkPhones(phone)}`);
