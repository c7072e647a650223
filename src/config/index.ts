export { AppConfig, loadConfig, type S3Settings } from './app-config';
export { ConfigError } from './environment';
export { ConfigModule } from './config.module';
