/**
 * What a connector needs to connect, described as a form: the admin API lists these (`connectorKinds`) and the
 * admin UI renders them, so a new CRM brings its own connection form and needs no UI code. Each CRM folder exports
 * one `ConnectionForm`; the composition root turns a filled form into the credentials document its connector is
 * built from (stored encrypted, never answered back).
 */

export interface ConnectionFormField {
  /** The key of the value in a filled form (clientId, accessToken…). */
  name: string;
  label: string;
  /** Write-only: never returned by the API, never prefilled, redacted from error messages. */
  secret: boolean;
  required: boolean;
  /** An optional field that is only valid together with this other field of the kind (a user and its password). */
  requires?: string;
  help?: string;
}

/** One way to authenticate to the CRM (client credentials, refresh token, private-app token…). */
export interface ConnectionAuthKind {
  kind: string;
  label: string;
  fields: readonly ConnectionFormField[];
}

export interface ConnectionForm {
  crm: string;
  /** The CRM's name for people ("Salesforce"). */
  label: string;
  /** What the base URL is called for this CRM ("Login URL", "API base URL"). */
  baseUrlLabel: string;
  defaultBaseUrl?: string;
  authKinds: readonly ConnectionAuthKind[];
  /**
   * The credentials document the connector is built from, for one auth kind's values. Called only with values
   * checked against the kind's fields (every required one present, no unknown name), so it only arranges them.
   */
  toCredentials(kind: string, values: Readonly<Record<string, string>>): Record<string, unknown>;
}
