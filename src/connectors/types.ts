import type { ConnectorConfig, ConnectorKind } from '../domain/resources.js';

/**
 * The hand-off to a provider, one module per protocol behind this interface, so that CAS,
 * SIP2 or PNB can be added later without touching the opening of documents.
 */
export interface Connector {
  readonly kind: ConnectorKind;
  /** The URL the patron is redirected to; `patron` is null for an anonymous visitor. */
  buildUrl(resource: ConnectorResource, patron: ConnectorPatron | null, document: string, now: Date): string;
}

export interface ConnectorResource {
  id: string;
  connectorConfig: ConnectorConfig;
}

/** What a connector may know of a patron; it sends personal fields only when configured to. */
export interface ConnectorPatron {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  birthDate: string | null;
}

/** Fills {document} and {resource} in a provider's URL template, URL-encoded. */
export function fillUrlTemplate(template: string, values: { document: string; resource: string }): string {
  return template
    .replaceAll('{document}', encodeURIComponent(values.document))
    .replaceAll('{resource}', encodeURIComponent(values.resource));
}
