// What the login and consent pages say about the client and what it asks for, in one catalogue.

export const clientInfoMessages = {
  /** Alt text of the client's logo (a decorative image would say nothing of who is asking). */
  logoAlt: (clientName: string) => `${clientName} logo`,
  clientHome: (clientName: string) => `About ${clientName}`,
  policy: 'Privacy policy',
  terms: 'Terms of service',
  /** Announced for links that open a new tab. */
  opensInNewTab: '(opens in a new tab)',
  linksLabel: (clientName: string) => `Links from ${clientName}`,
} as const;

/** One line per scope on the consent page (OIDC Core §5.4); unknown scopes get `otherScope`. */
export const scopeWords: Record<string, string> = {
  openid: 'Confirm your identity (your user id)',
  profile: 'See your name, username and profile details',
  email: 'See your email address',
  address: 'See your postal address',
  phone: 'See your phone number',
  offline_access: 'Stay connected when you are not using it (keep access until you revoke it)',
};

export const otherScope = (scope: string) => `Use the “${scope}” permission`;

/** Claims asked for by name (OIDC Core §5.5) beyond the scopes: "See your …". */
export const claimWords: Record<string, string> = {
  name: 'full name', given_name: 'given name', family_name: 'family name', middle_name: 'middle name',
  nickname: 'nickname', preferred_username: 'username', profile: 'profile page address', picture: 'picture',
  website: 'website', gender: 'gender', birthdate: 'date of birth', zoneinfo: 'time zone', locale: 'language',
  updated_at: 'profile’s last update time', email: 'email address', email_verified: 'email address’s verification',
  address: 'postal address', phone_number: 'phone number', phone_number_verified: 'phone number’s verification',
};

export const seeClaim = (words: string) => `See your ${words}`;
