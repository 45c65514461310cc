// The interaction forms as the server receives them: every POST echoes the interaction's CSRF
// token (RFC 6749 §10.12), the consent form says approve or deny.
import type { WireParameters } from '../http/form.js';
import { constantTimeEqual } from '../lib/constant-time.js';
import type { InteractionRecord } from '../storage/records.js';

export function formFields(body: unknown): Record<string, string> {
  return (body as WireParameters | undefined)?.params ?? {};
}

export function csrfTokenValid(interaction: InteractionRecord, fields: Record<string, string>): boolean {
  const sent = fields.csrf_token;
  return sent !== undefined && constantTimeEqual(sent, interaction.csrfToken);
}

/** Anything but an explicit approval is a denial. */
export function consentApproved(fields: Record<string, string>): boolean {
  return fields.decision === 'approve';
}
