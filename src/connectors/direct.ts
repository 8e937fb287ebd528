import { type Connector, fillUrlTemplate } from './types.js';

/** Free resources on the open web: a plain link, nothing about the visitor is sent. */
export const directConnector: Connector = {
  kind: 'direct',
  buildUrl(resource, _patron, document) {
    return fillUrlTemplate(resource.connectorConfig.urlTemplate, { document, resource: resource.id });
  },
};
