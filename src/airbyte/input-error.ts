/**
 * Input that cannot be read as the Airbyte protocol: a line that is not JSON or not an Airbyte message, a STATE whose
 * `state` has no known shape, a last line cut off by the end of the input, a line over the length limit.
 *
 * It ends the sync (one TRACE `system_error`, non-zero exit) after every state whose records were all settled before
 * that line is echoed: skipping the line would lose a record for good once a later state is saved, or hide a platform
 * fault. The message names the line number and the problem, never the line's content (it may hold personal data).
 */
export class InputError extends Error {
  override name = 'InputError';

  /**
   * @param line 1-based input line number
   * @param problem what is wrong, completing "Input line N ...", e.g. "is not valid JSON"; no content of the line
   */
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(
      `Input line ${line} ${problem} (its content is not shown). The sync stopped there: the states before it whose records were all delivered ` +
        `were saved, nothing after it was read. The source connector or the Airbyte platform sent this line: rerun the sync, and report it to them if it happens again.`,
    );
  }
}
