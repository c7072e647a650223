import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config';
import { dataSourceOptions } from './data-source-options';

/**
 * The DataSource for TypeORM's CLI (`typeorm migration:run -d dist/src/database/data-source.js`): the same options,
 * and so the same database and migrations, as the application.
 */
export default new DataSource(dataSourceOptions(loadConfig()));
