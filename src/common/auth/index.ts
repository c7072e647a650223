export * from './principal';
export * from './auth.decorators';
export * from './route-metadata';
