import type { ConnectorKind } from '../domain/resources.js';
import { directConnector } from './direct.js';
import { mnSsoConnector } from './mn-sso.js';
import { signedLinkConnector } from './signed-link.js';
import type { Connector } from './types.js';

export type { Connector, ConnectorPatron, ConnectorResource } from './types.js';

const CONNECTORS: Record<ConnectorKind, Connector> = {
  signed_link: signedLinkConnector,
  mn_sso: mnSsoConnector,
  direct: directConnector,
};

export function connectorFor(kind: ConnectorKind): Connector {
  return CONNECTORS[kind];
}
