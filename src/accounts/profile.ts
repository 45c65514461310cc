// The further standard claims of an account (OIDC Core §5.1, records.ts AccountProfile): what
// the operator may set, checked once here. Typo guards, not full validation of each format.
import type { AccountAddress, AccountProfile } from '../storage/records.js';

/** The wire names of the address claim's members (OIDC Core §5.1.1) and their record names. */
const addressMembers: Record<string, keyof AccountAddress> = {
  formatted: 'formatted', street_address: 'streetAddress', locality: 'locality', region: 'region',
  postal_code: 'postalCode', country: 'country',
};

/** Parses an address given as OIDC Core §5.1.1 JSON, e.g. {"street_address":"…","country":"DE"}. */
export function parseAddressJson(text: string): AccountAddress {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ProfileError('the address must be a JSON object, e.g. {"street_address":"1 Main St","locality":"Springfield","country":"US"}');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ProfileError('the address must be a JSON object');
  const address: AccountAddress = {};
  for (const [key, member] of Object.entries(value)) {
    const field = addressMembers[key];
    if (!field) throw new ProfileError(`unknown address member '${key}' (use ${Object.keys(addressMembers).join(', ')})`);
    if (typeof member !== 'string') throw new ProfileError(`address member '${key}' must be a string`);
    if (member.trim() !== '') address[field] = member;
  }
  return address;
}

export class ProfileError extends Error {
  override readonly name = 'ProfileError';
}

function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Why the profile cannot be stored, or null: URLs absolute http(s), birthdate YYYY or YYYY-MM-DD, short strings. */
export function profileProblem(profile: AccountProfile): string | null {
  for (const field of ['profile', 'picture', 'website'] as const) {
    const value = profile[field];
    if (value !== undefined && !isWebUrl(value)) return `${field} must be an absolute http or https URL`;
  }
  if (profile.birthdate !== undefined && !/^(\d{4}|\d{4}-\d{2}-\d{2})$/.test(profile.birthdate)) {
    return 'birthdate must be YYYY or YYYY-MM-DD (OIDC Core §5.1)';
  }
  if (profile.locale !== undefined && !/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(profile.locale)) {
    return 'locale must be a BCP 47 language tag such as en-US';
  }
  if (profile.phoneNumber !== undefined && !/^\+?[0-9 ()\-.]{3,32}(;ext=[0-9]+)?$/.test(profile.phoneNumber)) {
    return 'phone number must be digits, spaces and + ( ) - . (E.164 recommended, e.g. +1 425 555 1212)';
  }
  for (const [key, value] of Object.entries(profile)) {
    if (typeof value === 'string' && value.length > 512) return `${key} must be at most 512 characters`;
  }
  return null;
}
