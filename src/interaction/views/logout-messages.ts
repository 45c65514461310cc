// What the logout pages say, per language (RP-Initiated Logout 1.0 §2 ui_locales picks one).
// Plain, short sentences; every value is escaped by the views that use it.

export interface LogoutMessages {
  confirmTitle: string;
  /** Lead of the confirmation page; `{user}` and `{client}` are filled in (already escaped). */
  confirmLead: string;
  confirmLeadNoClient: string;
  confirmButton: string;
  cancelButton: string;
  signedOutTitle: string;
  signedOutLead: string;
  signedOutLeadClient: string;
  notSignedOutTitle: string;
  notSignedOutLead: string;
  errorTitle: string;
  errorHelp: string;
  /** Label before the error code on the error page. */
  errorCodeLabel: string;
  refusedTitle: string;
  refusedLead: string;
}

const en: LogoutMessages = {
  confirmTitle: 'Sign out?',
  confirmLead: 'Do you want to sign out of Gatehouse as {user}? {client} asked to sign you out.',
  confirmLeadNoClient: 'Do you want to sign out of Gatehouse as {user}?',
  confirmButton: 'Sign out',
  cancelButton: 'Stay signed in',
  signedOutTitle: 'You are signed out',
  signedOutLead: 'You have signed out of Gatehouse. You can close this page.',
  signedOutLeadClient: 'You have signed out of Gatehouse and of {client}. You can close this page.',
  notSignedOutTitle: 'You are still signed in',
  notSignedOutLead: 'You chose to stay signed in. You can close this page.',
  errorTitle: 'This sign-out request cannot continue',
  errorHelp: 'You have not been signed out. You can close this page and go back to the application you came from.',
  errorCodeLabel: 'Error code:',
  refusedTitle: 'Request refused',
  refusedLead: 'The form was not submitted from this sign-out page, so you have not been signed out. Start the sign-out again from the application.',
};

const de: LogoutMessages = {
  confirmTitle: 'Abmelden?',
  confirmLead: 'Möchten Sie sich als {user} von Gatehouse abmelden? {client} hat die Abmeldung angefordert.',
  confirmLeadNoClient: 'Möchten Sie sich als {user} von Gatehouse abmelden?',
  confirmButton: 'Abmelden',
  cancelButton: 'Angemeldet bleiben',
  signedOutTitle: 'Sie sind abgemeldet',
  signedOutLead: 'Sie haben sich von Gatehouse abgemeldet. Sie können diese Seite schließen.',
  signedOutLeadClient: 'Sie haben sich von Gatehouse und von {client} abgemeldet. Sie können diese Seite schließen.',
  notSignedOutTitle: 'Sie sind weiterhin angemeldet',
  notSignedOutLead: 'Sie haben sich entschieden, angemeldet zu bleiben. Sie können diese Seite schließen.',
  errorTitle: 'Diese Abmeldung kann nicht fortgesetzt werden',
  errorHelp: 'Sie wurden nicht abgemeldet. Sie können diese Seite schließen und zur Anwendung zurückkehren.',
  errorCodeLabel: 'Fehlercode:',
  refusedTitle: 'Anfrage abgelehnt',
  refusedLead: 'Das Formular wurde nicht von dieser Abmeldeseite gesendet, Sie wurden daher nicht abgemeldet. Starten Sie die Abmeldung erneut in der Anwendung.',
};

const catalogue: Record<string, LogoutMessages> = { en, de };

/** The first of `uiLocales` (BCP 47 tags, most preferred first) we have, by primary language; else English. */
export function logoutMessages(uiLocales: readonly string[]): { lang: string; messages: LogoutMessages } {
  for (const tag of uiLocales) {
    const language = tag.toLowerCase().split('-')[0] ?? '';
    const messages = catalogue[language];
    if (messages) return { lang: language, messages };
  }
  return { lang: 'en', messages: en };
}
