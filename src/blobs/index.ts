// Public face of the blob store: what other modules may import from src/blobs.

export {
  BlobError,
  BlobNotFoundError,
  BlobRangeError,
  BlobTooLargeError,
  InvalidBlobKeyError,
} from "./errors.ts";
export { assertValidKey, MAX_KEY_LENGTH } from "./keys.ts";
export {
  type BlobSource,
  type BlobStat,
  type ByteRange,
  contentAddressedKey,
  createLocalBlobStore,
  type LocalBlobStore,
  type LocalBlobStoreOptions,
  type PutOptions,
  type PutResult,
} from "./store.ts";
