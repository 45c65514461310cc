// The largest request body Gatehouse reads; larger ones are refused with 413 (RFC 9110 §15.5.14).
export const bodyLimit = 64 * 1024;
