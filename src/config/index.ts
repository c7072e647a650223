export { AppConfig, loadConfig } from './app-config';
export { ConfigError } from './environment';
export { ConfigModule } from './config.module';
