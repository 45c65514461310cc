// What the front-channel logout page adds to the signed-out page (Front-Channel Logout 1.0 §3),
// per language; the language is the one logout-messages.ts picked. Values are escaped by the view.

export interface FrontchannelLogoutMessages {
  /** The iframe's title (its accessible name); `{client}` is filled in. */
  frameTitle: string;
  /** Lead when the page goes on to the client (post_logout_redirect_uri). */
  signingOutLead: string;
  /** Under the signed-out lead when there is nowhere to go on to. */
  othersNote: string;
  /** Shown by the page's script only: it goes on by itself. */
  autoContinue: string;
  /** Shown always: how to go on without waiting (and without JavaScript). */
  continueHelp: string;
  continueLink: string;
}

const en: FrontchannelLogoutMessages = {
  frameTitle: 'Signing you out of {client}',
  signingOutLead: 'You have signed out of Gatehouse. The applications you used in this session are being told.',
  othersNote: 'The applications you used in this session are being signed out too.',
  autoContinue: 'This page continues by itself once every application has been told.',
  continueHelp: 'Select Continue to go back to the application.',
  continueLink: 'Continue',
};

const de: FrontchannelLogoutMessages = {
  frameTitle: 'Abmeldung bei {client}',
  signingOutLead: 'Sie haben sich von Gatehouse abgemeldet. Die Anwendungen, die Sie in dieser Sitzung verwendet haben, werden benachrichtigt.',
  othersNote: 'Auch bei den Anwendungen, die Sie in dieser Sitzung verwendet haben, werden Sie abgemeldet.',
  autoContinue: 'Diese Seite geht von selbst weiter, sobald alle Anwendungen benachrichtigt sind.',
  continueHelp: 'Wählen Sie „Weiter“, um zur Anwendung zurückzukehren.',
  continueLink: 'Weiter',
};

const catalogue: Record<string, FrontchannelLogoutMessages> = { en, de };

/** The messages in `lang` (as chosen for the logout pages), else English. */
export function frontchannelLogoutMessages(lang: string): FrontchannelLogoutMessages {
  return catalogue[lang] ?? en;
}
