/**
 * Splits Airbyte input (stdin) into lines, in time linear in the input: each byte is looked at once when searching
 * for line breaks, and a line that spans many chunks is joined once, when its end arrives. (split2 joins the text it
 * holds with every new chunk and splits it again, which is quadratic in the length of a line: one 30 MB line took
 * 10.7 s.) A line break is "\n"; a "\r" before it is removed. UTF-8 is decoded per line, so a character split across
 * chunks is never damaged ("\n" never occurs inside a multi-byte UTF-8 sequence).
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { InputError } from './input-error.js';

/** One line of input, without its line break. */
export interface InputLine {
  /** The line's text (UTF-8 decoded, without "\r\n" or "\n"). */
  text: string;
  /** 1-based line number. */
  line: number;
  /** False for a last line that the input ended in the middle of (no line break after it). */
  terminated: boolean;
}

/** A line longer than the limit: the sync ends instead of holding it in memory. */
export class LineTooLongError extends InputError {
  override name = 'LineTooLongError';
  /**
   * @param line 1-based line number
   * @param maxBytes the limit, in bytes
   */
  constructor(
    line: number,
    readonly maxBytes: number,
  ) {
    const shown = formatBytes(maxBytes);
    super(line, `is longer than the limit of ${shown}${shown.endsWith(' bytes') ? '' : ` (${maxBytes} bytes)`}`);
  }
}

/** "64 MiB", "1 KiB" or "100 bytes". */
function formatBytes(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n >= 1 << 10 && n % (1 << 10) === 0) return `${n / (1 << 10)} KiB`;
  return `${n} bytes`;
}

/**
 * The lines of `chunks`, in order, with back-pressure (a chunk is only asked for when the consumer wants a line that
 * is not complete yet). See {@link splitLineBatches}, which this unpacks.
 *
 * @param chunks the input: Buffers (or strings, taken as UTF-8)
 * @param maxBytes longest line accepted, in bytes without the line break
 * @throws LineTooLongError as soon as a line is known to exceed `maxBytes` (before it is held whole in memory);
 *   rethrows the input's own errors
 */
export async function* splitLines(chunks: AsyncIterable<Buffer | string>, maxBytes: number): AsyncGenerator<InputLine> {
  for await (const batch of splitLineBatches(chunks, maxBytes)) yield* batch;
}

/**
 * The lines of `chunks` as one array per chunk read (the lines that chunk completed; none when a line spans it), in
 * order, with back-pressure: the next chunk is only read when the consumer asks for the next array. One array per
 * chunk instead of one async step per line: an async generator's step costs promises and microtask turns, which
 * were a measurable share of reading short lines (issue 16).
 *
 * @param chunks the input: Buffers (or strings, taken as UTF-8)
 * @param maxBytes longest line accepted, in bytes without the line break
 * @throws LineTooLongError as soon as a line is known to exceed `maxBytes` (before it is held whole in memory; after
 *   the lines before it); rethrows the input's own errors
 */
export async function* splitLineBatches(chunks: AsyncIterable<Buffer | string>, maxBytes: number): AsyncGenerator<InputLine[]> {
  let parts: Buffer[] = [];
  let pending = 0; // bytes in `parts`
  let n = 0; // lines completed so far
  for await (const raw of chunks) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
    const lines: InputLine[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      n++;
      if (pending + (nl - start) > maxBytes) {
        if (lines.length > 0) yield lines; // the lines before it are read, as when each line was its own step
        throw new LineTooLongError(n, maxBytes);
      }
      const text = parts.length === 0 ? chunk.toString('utf8', start, nl) : Buffer.concat([...parts, chunk.subarray(start, nl)]).toString('utf8');
      parts = [];
      pending = 0;
      start = nl + 1;
      lines.push({ text: withoutCR(text), line: n, terminated: true });
    }
    if (start < chunk.length) {
      pending += chunk.length - start;
      if (pending > maxBytes) {
        if (lines.length > 0) yield lines;
        throw new LineTooLongError(n + 1, maxBytes);
      }
      // A copy: a view would keep the whole chunk alive for a short remainder.
      parts.push(start === 0 ? chunk : Buffer.from(chunk.subarray(start)));
    }
    if (lines.length > 0) yield lines;
    // Input already buffered is handed over in microtasks only: without this, a large buffered input would be read
    // and mapped to the end before any request, timer or signal got its turn (split2's stream events used to yield).
    await yieldToEventLoop();
  }
  if (pending > 0) yield [{ text: withoutCR(Buffer.concat(parts).toString('utf8')), line: n + 1, terminated: false }];
}

function withoutCR(text: string): string {
  return text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text;
}
