import type { FileHandle } from 'node:fs/promises';

export interface FileTail {
  /** The last `count` complete lines (or fewer), oldest first, without their "\n". */
  readonly lines: readonly string[];
  /** Bytes after the last "\n": a line cut short (empty when the file ends in "\n"). */
  readonly partial: string;
  /** True when `lines` reaches back to the start of the file. */
  readonly isWholeFile: boolean;
}

const CHUNK_BYTES = 16 * 1024;

/**
 * Reads the end of a file backwards, chunk by chunk, until it has `count` complete lines, so
 * that finding the last record costs the same for a log of ten lines or ten million. Lines are
 * split on the byte 0x0A, which never occurs inside a UTF-8 sequence. `maxBytes` bounds the read
 * when a file has no line breaks where lines should be.
 */
export async function readFileTail(
  handle: FileHandle,
  size: number,
  count: number,
  maxBytes = 64 * 1024 * 1024,
): Promise<FileTail> {
  const chunks: Buffer[] = [];
  let start = size;
  let newlines = 0;
  // The lines we want lie after the (count+1)-th "\n" from the end, counting the final one.
  while (start > 0 && newlines <= count && size - start < maxBytes) {
    const length = Math.min(CHUNK_BYTES, start);
    start -= length;
    const chunk = Buffer.alloc(length);
    const { bytesRead } = await handle.read(chunk, 0, length, start);
    if (bytesRead !== length) throw new Error('the file shrank while it was read');
    chunks.unshift(chunk);
    for (const byte of chunk) if (byte === 0x0a) newlines++;
  }
  const text = Buffer.concat(chunks);
  const lastBreak = text.lastIndexOf(0x0a);
  const partial = text.subarray(lastBreak + 1).toString('utf8');
  const complete = lastBreak < 0 ? [] : text.subarray(0, lastBreak).toString('utf8').split('\n');
  // Unless we reached the start, the first piece is the tail end of a line we did not read whole.
  const isWholeFile = start === 0;
  const whole = isWholeFile ? complete : complete.slice(1);
  return {
    lines: whole.slice(Math.max(0, whole.length - count)),
    partial,
    isWholeFile: isWholeFile && whole.length <= count,
  };
}
