// How the registration rules name a field in a refusal: by the CLI's flags (`--jwks-uri`,
// "redirect URI '…'") or by the registration endpoint's wire names (`redirect_uris[0]`), so one
// rule gives an actionable message on either channel.
import type { MetadataField } from './metadata-fields.js';

/** How refusals name a field: the CLI's flags, or the registration endpoint's wire names. */
export type FieldNaming = 'cli' | 'wire';

export interface Labels {
  redirectUri(uri: string, index: number): string;
  postLogoutRedirectUri(uri: string, index: number): string;
  backchannelLogoutUri(uri: string): string;
  frontchannelLogoutUri(uri: string): string;
  field(field: MetadataField): string;
  needsRedirectUri: string;
  backchannelSessionNeedsUri: string;
  frontchannelSessionNeedsUri: string;
}

export const labels: Record<FieldNaming, Labels> = {
  cli: {
    redirectUri: (uri) => `redirect URI '${uri}'`,
    postLogoutRedirectUri: (uri) => `post-logout redirect URI '${uri}'`,
    backchannelLogoutUri: (uri) => `back-channel logout URI '${uri}'`,
    frontchannelLogoutUri: (uri) => `front-channel logout URI '${uri}'`,
    field: (field) => (field.flag ? `--${field.flag.name}` : field.wire),
    needsRedirectUri: 'authorization_code and implicit need at least one --redirect-uri',
    backchannelSessionNeedsUri: '--backchannel-logout-session-required needs a --backchannel-logout-uri',
    frontchannelSessionNeedsUri: '--frontchannel-logout-session-required needs a --frontchannel-logout-uri',
  },
  wire: {
    redirectUri: (uri, i) => `redirect_uris[${i}] '${uri}'`,
    postLogoutRedirectUri: (uri, i) => `post_logout_redirect_uris[${i}] '${uri}'`,
    backchannelLogoutUri: (uri) => `backchannel_logout_uri '${uri}'`,
    frontchannelLogoutUri: (uri) => `frontchannel_logout_uri '${uri}'`,
    field: (field) => field.wire,
    needsRedirectUri: 'the authorization_code and implicit grants need at least one redirect_uris entry',
    backchannelSessionNeedsUri: 'backchannel_logout_session_required needs a backchannel_logout_uri',
    frontchannelSessionNeedsUri: 'frontchannel_logout_session_required needs a frontchannel_logout_uri',
  },
};

