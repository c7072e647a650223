export * from './principal';
export * from './auth.decorators';
