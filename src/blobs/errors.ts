// Errors the blob store throws. Each carries a stable snake_case `code` so the HTTP layer can map it to a
// problem+json answer without matching on message text.

export class BlobError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The key is not a safe relative path of allowed segments, or resolves outside the store's root. */
export class InvalidBlobKeyError extends BlobError {
  constructor(reason: string) {
    super("invalid_blob_key", `Invalid blob key: ${reason}`);
  }
}

/** The source produced more than `maxBytes`; nothing was stored. */
export class BlobTooLargeError extends BlobError {
  readonly maxBytes: number;

  constructor(maxBytes: number) {
    super("blob_too_large", `Blob exceeds the limit of ${maxBytes} bytes`);
    this.maxBytes = maxBytes;
  }
}

export class BlobNotFoundError extends BlobError {
  readonly key: string;

  constructor(key: string) {
    super("blob_not_found", `Blob not found: ${key}`);
    this.key = key;
  }
}

/** The requested byte range does not overlap the blob (HTTP 416). */
export class BlobRangeError extends BlobError {
  readonly size: number;

  constructor(message: string, size: number) {
    super("blob_range_not_satisfiable", message);
    this.size = size;
  }
}
