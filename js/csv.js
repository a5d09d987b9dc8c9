// A CSV reader for `callingbox calls create-many --csv` (RFC 4180, https://www.rfc-editor.org/rfc/rfc4180):
// fields separated by commas, records by CRLF (LF or a lone CR are accepted too), a field in
// double quotes may hold commas, line breaks and quotes (written ""). A UTF-8 byte order mark
// at the start is dropped, blank lines are skipped, and a quote inside an unquoted field is
// kept as text (as spreadsheets write it). Each record says the line it starts on, so an
// error can name the line a person sees in an editor.

/** The text is not CSV (an unclosed quote, text after a closing quote); `line` is where. */
export class CsvError extends Error {
  /**
   * @param {string} message
   * @param {number} line
   */
  constructor(message, line) {
    super(message);
    this.name = "CsvError";
    this.line = line;
  }
}

/**
 * The records of `text`, in order: `{ fields, line }` (`line`: 1-based, where it starts).
 * @param {string} text
 * @returns {{ fields: string[], line: number }[]}
 */
export function parseCsv(text) {
  /** @type {{ fields: string[], line: number }[]} */
  const records = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  /** @type {string[]} */
  let fields = [];
  let field = "";
  let quoted = false; // the current field was written in quotes
  let started = false; // the current record has any text (or a quoted field) so far
  let recordLine = 1;

  const endRecord = () => {
    fields.push(field);
    // A blank line is no record; a lone `""` is a record with one empty field.
    if (started) records.push({ fields, line: recordLine });
    fields = [];
    field = "";
    quoted = false;
    started = false;
  };

  while (i < text.length) {
    const c = text[i];
    if (!started) recordLine = line;
    if (c === '"' && field === "" && !quoted) {
      // A quoted field: up to the quote that is not doubled.
      const opened = line;
      i++;
      for (;;) {
        if (i >= text.length) throw new CsvError(`line ${opened}: a quoted field is never closed`, opened);
        const d = text[i];
        if (d === '"') {
          if (text[i + 1] !== '"') break;
          field += '"';
          i += 2;
          continue;
        }
        if (d === "\n" || (d === "\r" && text[i + 1] !== "\n")) line++;
        field += d;
        i++;
      }
      i++;
      quoted = true;
      started = true;
      const next = text[i];
      if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") {
        throw new CsvError(`line ${line}: text after the closing quote of a field (write a quote inside a quoted field as "")`, line);
      }
    } else if (c === ",") {
      fields.push(field);
      field = "";
      quoted = false;
      started = true;
      i++;
    } else if (c === "\n" || c === "\r") {
      i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
      endRecord();
      line++;
    } else {
      field += c;
      started = true;
      i++;
    }
  }
  if (started) endRecord();
  return records;
}
