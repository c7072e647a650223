/**
 * Shared by the reliability suites, by job: the deployment (support-topology.ts), a steady load of orders whose every
 * attempt is recorded (support-load.ts), the checks that count what a client and the database saw (support-checks.ts),
 * and the logs and metrics of an instance (support-logs.ts). Stopping and starting the servers of this machine:
 * test/utils/servers.ts.
 */
export * from './support-checks';
export * from './support-load';
export * from './support-logs';
export * from './support-topology';
