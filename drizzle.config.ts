import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/db/schema.ts', './src/db/schema-resources.ts', './src/db/schema-statistics.ts'],
  out: './src/db/migrations',
});
