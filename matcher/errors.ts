/** Thrown by the image decoders for unsupported or malformed image bytes. */
export class ImageFormatError extends Error {
  override readonly name = 'ImageFormatError';
  constructor(message: string) {
    super(message);
  }
}

/** Result of parsing an untrusted template record: never throws. */
export type DecodeResult<T> = { ok: true; template: T } | { ok: false; error: string };
