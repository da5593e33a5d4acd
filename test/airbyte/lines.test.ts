import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/airbyte/input-error.js';
import { LineTooLongError, splitLineBatches } from '../../src/airbyte/lines.js';

/** One line as the batches give it. */
interface InputLine {
  text: string;
  line: number;
  terminated: boolean;
}

async function lines(chunks: (string | Buffer)[], max = 1024): Promise<InputLine[]> {
  const got: InputLine[] = [];
  for await (const batch of splitLineBatches(Readable.from(chunks), max)) {
    for (let i = 0; i < batch.length; i++) got.push({ text: batch.text(i), line: batch.line(i), terminated: batch.terminated(i) });
  }
  return got;
}

async function failure(chunks: (string | Buffer)[], max: number): Promise<unknown> {
  try {
    await lines(chunks, max);
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('splitLineBatches', () => {
  it('splits on \\n, removes a \\r before it (also across chunks), numbers lines from 1', async () => {
    expect(await lines(['a\nbb\r', '\nc', 'cc\n\n', 'd\r\n'])).toEqual([
      { text: 'a', line: 1, terminated: true },
      { text: 'bb', line: 2, terminated: true },
      { text: 'ccc', line: 3, terminated: true },
      { text: '', line: 4, terminated: true },
      { text: 'd', line: 5, terminated: true },
    ]);
  });

  it('decodes a character whose UTF-8 bytes are split across chunks', async () => {
    const bytes = Buffer.from('é😀\n', 'utf8'); // 2 + 4 bytes
    const chunks = [bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3, 5), bytes.subarray(5)];
    expect(await lines(chunks)).toEqual([{ text: 'é😀', line: 1, terminated: true }]);
  });

  it('gives a last line without a line break as not terminated', async () => {
    expect(await lines(['x\n{"type":', '"LOG"'])).toEqual([
      { text: 'x', line: 1, terminated: true },
      { text: '{"type":"LOG"', line: 2, terminated: false },
    ]);
    expect(await lines(['x\n'])).toEqual([{ text: 'x', line: 1, terminated: true }]);
  });

  it('accepts a line of exactly the limit and refuses one byte more, naming the line and the limit', async () => {
    expect(await lines(['ok\n', 'x'.repeat(16), '\n'], 16)).toHaveLength(2);
    const inOneChunk = await failure(['ok\n' + 'x'.repeat(17) + '\n'], 16);
    expect(inOneChunk).toBeInstanceOf(LineTooLongError);
    expect(inOneChunk).toBeInstanceOf(InputError);
    expect((inOneChunk as LineTooLongError).line).toBe(2);
    expect((inOneChunk as Error).message).toMatch(/^Input line 2 is longer than the limit of 16 bytes \(its content is not shown\)/);
    // Refused while it arrives, before it is held whole: the chunks after the limit are never needed.
    const spread = await failure(['ok\nok\n', 'x'.repeat(10), 'x'.repeat(10), 'never read'], 16);
    expect((spread as LineTooLongError).line).toBe(3);
  });

  it('says MiB for a limit in whole mebibytes', () => {
    expect(new LineTooLongError(9, 64 * 1024 * 1024).message).toMatch(/^Input line 9 is longer than the limit of 64 MiB \(67108864 bytes\)/);
  });
});
