// The refusal of client metadata, shared by the rules in this folder.

/** RFC 7591 §3.2.2: a bad redirect URI has its own code; every other refusal is invalid_client_metadata. */
export type ClientMetadataErrorCode = 'invalid_redirect_uri' | 'invalid_client_metadata';

/** A registration the rules refuse; the message names the offending field and value. */
export class InvalidClientMetadataError extends Error {
  override readonly name = 'InvalidClientMetadataError';
  constructor(message: string, readonly code: ClientMetadataErrorCode = 'invalid_client_metadata') {
    super(message);
  }
}
