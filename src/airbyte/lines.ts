/**
 * Splits Airbyte input (stdin) into lines, in time linear in the input: each byte is looked at once when searching
 * for line breaks, and a line that spans many chunks is joined once, when its end arrives. (split2 joins the text it
 * holds with every new chunk and splits it again, which is quadratic in the length of a line: one 30 MB line took
 * 10.7 s.) A line break is "\n"; a "\r" before it is removed. UTF-8 is decoded per line, so a character split across
 * chunks is never damaged ("\n" never occurs inside a multi-byte UTF-8 sequence).
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { InputError } from './input-error.js';

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
 * The lines one chunk of input completed, decoded only when asked for ({@link text}). The batch holds the chunk's
 * bytes and the byte offsets of its lines, not strings: a line's text is made when the consumer reaches it and can
 * die young. (An array of decoded lines built per chunk was tenured by V8 and kept every line of the input alive
 * until the next full collection: 121 of the 143 MB promoted per 200,000 bench records; issue 16.)
 */
export class LineBatch {
  /**
   * @param bytes the chunk (or, for a line that spanned chunks, its joined bytes)
   * @param bounds start and end offsets into `bytes` of each line, without its "\n": [s0, e0, s1, e1, ...]
   * @param firstLine 1-based number of the first line
   * @param lastTerminated false when the last line is one the input ended in the middle of (no line break after it)
   * @param head the first line's text when it spanned chunks (decoded from its joined bytes), else undefined
   */
  constructor(
    private readonly bytes: Buffer,
    private readonly bounds: readonly number[],
    readonly firstLine: number,
    private readonly lastTerminated: boolean,
    private readonly head?: string,
  ) {}

  /** Number of lines. */
  get length(): number {
    return (this.head === undefined ? 0 : 1) + this.bounds.length / 2;
  }

  /** 1-based number of line i (0-based index in this batch). */
  line(i: number): number {
    return this.firstLine + i;
  }

  /** False only for a last line without a line break (the input ended in the middle of it). */
  terminated(i: number): boolean {
    return this.lastTerminated || i < this.length - 1;
  }

  /** The text of line i (0-based), UTF-8 decoded, without "\r\n" or "\n". */
  text(i: number): string {
    if (this.head !== undefined) {
      if (i === 0) return this.head;
      i--;
    }
    return withoutCR(this.bytes.toString('utf8', this.bounds[2 * i], this.bounds[2 * i + 1]));
  }
}

/**
 * The lines of `chunks` as one {@link LineBatch} per chunk read (the lines that chunk completed; none when a line
 * spans it), in order, with back-pressure: the next chunk is only read when the consumer asks for the next batch. One
 * batch per chunk instead of one async step per line: an async generator's step costs promises and microtask turns,
 * which were a measurable share of reading short lines (issue 16).
 *
 * @param chunks the input: Buffers (or strings, taken as UTF-8)
 * @param maxBytes longest line accepted, in bytes without the line break
 * @throws LineTooLongError as soon as a line is known to exceed `maxBytes` (before it is held whole in memory; after
 *   the lines before it); rethrows the input's own errors
 */
export async function* splitLineBatches(chunks: AsyncIterable<Buffer | string>, maxBytes: number): AsyncGenerator<LineBatch> {
  let parts: Buffer[] = [];
  let pending = 0; // bytes in `parts`
  let n = 0; // lines completed so far
  for await (const raw of chunks) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
    const first = n + 1;
    let head: string | undefined;
    const bounds: number[] = [];
    const batch = (): LineBatch => new LineBatch(chunk, bounds, first, true, head);
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      n++;
      if (pending + (nl - start) > maxBytes) {
        if (n > first) yield batch(); // the lines before it are read, as when each line was its own step
        throw new LineTooLongError(n, maxBytes);
      }
      if (parts.length === 0) bounds.push(start, nl);
      else head = withoutCR(Buffer.concat([...parts, chunk.subarray(start, nl)]).toString('utf8'));
      parts = [];
      pending = 0;
      start = nl + 1;
    }
    if (start < chunk.length) {
      pending += chunk.length - start;
      if (pending > maxBytes) {
        if (n >= first) yield batch();
        throw new LineTooLongError(n + 1, maxBytes);
      }
      // A copy: a view would keep the whole chunk alive for a short remainder.
      parts.push(start === 0 ? chunk : Buffer.from(chunk.subarray(start)));
    }
    if (n >= first) yield batch();
    // Input already buffered is handed over in microtasks only: without this, a large buffered input would be read
    // and mapped to the end before any request, timer or signal got its turn (split2's stream events used to yield).
    await yieldToEventLoop();
  }
  if (pending > 0) {
    const last = Buffer.concat(parts);
    yield new LineBatch(last, [0, last.length], n + 1, false);
  }
}

function withoutCR(text: string): string {
  return text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text;
}
