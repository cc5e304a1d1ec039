/**
 * The DataSource for the TypeORM CLI: `npm run typeorm -- migration:run` (or
 * `npx typeorm-ts-node-commonjs -d ormconfig.ts …`). Same configuration as the server:
 * DATABASE_URL for a PostgreSQL server, otherwise the embedded database in PGLITE_DATA_DIR
 * (stop the server first: an embedded database has one user at a time).
 */
import { loadConfig } from './src/config';
import { createDataSource } from './src/db/data-source';

export default createDataSource(loadConfig(process.env).database);
