// The slice of oidc-provider 9's API the reference server uses (the package ships no types).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface InteractionDetails {
    uid: string;
    params: Record<string, unknown> & { client_id: string };
    prompt: { name: string; details: Record<string, unknown> };
    session?: { accountId?: string };
    grantId?: string;
  }

  export interface GrantInstance {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(indicator: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface GrantClass {
    new (properties: { accountId: string; clientId: string }): GrantInstance;
    find(id: string): Promise<GrantInstance | undefined>;
  }

  export interface KoaLikeContext {
    oidc: {
      client: { clientId: string };
      session: { accountId?: string; grantIdFor(clientId: string): string | undefined };
      result?: { consent?: { grantId?: string } };
      provider: Provider;
    };
    /** Set by a page renderer (logoutSource). */
    type?: string;
    body?: unknown;
  }

  /** The slice of an access token the reference's token exchange grant reads and writes. */
  export interface AccessTokenInstance {
    accountId?: string;
    grantId?: string;
    scope?: string;
    sid?: string;
    sessionUid?: string;
    expiresWithSession?: boolean;
    expiration: number;
    tokenType: string;
    resourceServer?: unknown;
    save(): Promise<string>;
  }

  export const errors: {
    CustomOIDCProviderError: new (error: string, description: string) => Error;
  };

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    Grant: GrantClass;
    AccessToken: {
      new (properties: Record<string, unknown>): AccessTokenInstance;
      find(value: string): Promise<AccessTokenInstance | undefined>;
    };
    Client: { find(id: string): Promise<unknown> };
    ResourceServer: new (identifier: string, data: Record<string, unknown>) => unknown;
    registerGrantType(name: string, handler: (ctx: KoaLikeContext) => Promise<void>, params?: string[], dupes?: string[]): void;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
}
