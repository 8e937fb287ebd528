import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: [
    './src/db/schema.ts',
    './src/db/schema-resources.ts',
    './src/db/schema-sip2.ts',
    './src/db/schema-messages.ts',
    './src/db/schema-oidc.ts',
    './src/db/schema-cas.ts',
    './src/db/schema-content.ts',
    './src/db/schema-statistics.ts',
  ],
  out: './src/db/migrations',
});
