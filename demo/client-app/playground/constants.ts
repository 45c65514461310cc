// Values the playground's routes and views share.

/** Where the unregistered-redirect experiment points: registered nowhere, so Gatehouse must not redirect there. */
export const unregisteredRedirectUri = 'https://attacker.example/callback';
