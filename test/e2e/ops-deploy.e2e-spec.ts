import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { EnvironmentVariables, validateEnvironment } from '../../src/config/environment';
import { METRIC } from '../../src/modules/metrics/metrics.service';

/**
 * Deployment files checked without a Docker engine or a cluster: the Dockerfile's structure (the fallback for
 * hadolint, which no reachable registry ships), docker-compose.yml's wiring, the kustomize overlays rendered and
 * validated field by field (kubeconform is not installable either), and the monitoring files against the metrics
 * the app really exports. `.ci/checks.sh` adds `kubectl kustomize`, `docker-compose config` and promtool.
 */
const ROOT = path.resolve(__dirname, '../..');
const read = (p: string): string => fs.readFileSync(path.join(ROOT, p), 'utf8');
const DECLARED_ENV = new Set(Object.keys(new EnvironmentVariables()));
/** Read by the AWS SDK's default credential chain (IMAGE_STORAGE=s3), not by src/config. */
const AWS_SDK_ENV = new Set(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// ---- a minimal kustomize: resources, configMapGenerator, strategic-merge patches, namespace, images ----------
const CLUSTER_SCOPED = new Set(['Namespace']);

function mergePatch(target: Doc, patch: Doc): Doc {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete target[key];
    else if (Array.isArray(value) && Array.isArray(target[key]) && value.every((v) => v && v.name)) {
      for (const item of value) {
        const existing = (target[key] as Doc[]).find((t) => t.name === item.name);
        if (existing) mergePatch(existing, item);
        else (target[key] as Doc[]).push(item);
      }
    } else if (
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      target[key] &&
      typeof target[key] === 'object'
    ) {
      mergePatch(target[key] as Doc, value as Doc);
    } else target[key] = structuredClone(value);
  }
  return target;
}

function podSpec(doc: Doc): Doc | undefined {
  return doc.spec?.template?.spec;
}

function renderKustomization(dir: string): Doc[] {
  const k = yaml.load(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')) as Doc;
  const docs: Doc[] = [];
  for (const r of (k.resources ?? []) as string[]) {
    const p = path.join(dir, r);
    if (fs.statSync(p).isDirectory()) docs.push(...renderKustomization(p));
    else docs.push(...(yaml.loadAll(fs.readFileSync(p, 'utf8')) as Doc[]).filter(Boolean));
  }
  for (const g of (k.configMapGenerator ?? []) as Doc[]) {
    const data: Record<string, string> = {};
    for (const f of g.files as string[]) data[path.basename(f)] = fs.readFileSync(path.join(dir, f), 'utf8');
    docs.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: g.name, labels: g.options?.labels },
      data,
    });
  }
  for (const patch of (k.patches ?? []) as Doc[]) {
    const p = yaml.load(fs.readFileSync(path.join(dir, patch.path as string), 'utf8')) as Doc;
    const target = docs.find((d) => d.kind === p.kind && d.metadata.name === p.metadata.name);
    if (!target) throw new Error(`${dir}: patch ${patch.path} matches no resource`);
    mergePatch(target, p);
  }
  if (k.namespace) {
    for (const d of docs) if (!CLUSTER_SCOPED.has(d.kind)) d.metadata.namespace = k.namespace;
  }
  for (const img of (k.images ?? []) as Doc[]) {
    for (const d of docs) {
      for (const c of [...(podSpec(d)?.containers ?? []), ...(podSpec(d)?.initContainers ?? [])] as Doc[]) {
        const [name] = String(c.image).split(':');
        if (name === img.name) c.image = `${img.newName ?? img.name}:${img.newTag ?? 'latest'}`;
      }
    }
  }
  return docs;
}

const haveKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
function kubectlKustomize(dir: string): Doc[] {
  const out = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`kubectl kustomize ${dir}: ${out.stderr}`);
  return (yaml.loadAll(out.stdout) as Doc[]).filter(Boolean);
}

// ---- validation of the rendered manifests ---------------------------------------------------------------------
function matches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function validate(docs: Doc[], opts: { namespaced: boolean }): string[] {
  const problems: string[] = [];
  const find = (kind: string, name?: string): Doc[] =>
    docs.filter((d) => d.kind === kind && (name === undefined || d.metadata?.name === name));
  for (const d of docs) {
    if (!d.apiVersion || !d.kind || !d.metadata?.name)
      problems.push(`incomplete object ${JSON.stringify(d).slice(0, 80)}`);
    if (opts.namespaced && !CLUSTER_SCOPED.has(d.kind) && !d.metadata?.namespace) {
      problems.push(`${d.kind}/${d.metadata?.name} has no namespace`);
    }
  }
  const checkPod = (owner: string, spec: Doc): void => {
    for (const c of spec.containers as Doc[]) {
      if (!/^[\w.\-/]+:[\w.-]+$/.test(String(c.image)) || c.image === 'table-order-api') {
        problems.push(`${owner}: image ${c.image} is not a registry image with a tag`);
      }
      if (c.securityContext?.readOnlyRootFilesystem !== true)
        problems.push(`${owner}: root filesystem not read-only`);
      if (c.securityContext?.allowPrivilegeEscalation !== false)
        problems.push(`${owner}: privilege escalation allowed`);
      if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory || !c.resources?.limits?.memory) {
        problems.push(`${owner}: resources incomplete`);
      }
      const tmp = (c.volumeMounts ?? []).find((m: Doc) => m.mountPath === '/tmp');
      const tmpVolume = (spec.volumes ?? []).find((v: Doc) => v.name === tmp?.name);
      if (!tmpVolume?.emptyDir) problems.push(`${owner}: /tmp is not a writable emptyDir`);
      for (const ref of (c.envFrom ?? []) as Doc[]) {
        if (ref.configMapRef && find('ConfigMap', ref.configMapRef.name).length !== 1) {
          problems.push(`${owner}: ConfigMap ${ref.configMapRef.name} is missing`);
        }
        if (ref.secretRef && find('Secret', ref.secretRef.name).length !== 1) {
          problems.push(`${owner}: Secret ${ref.secretRef.name} is missing`);
        }
      }
    }
    if (spec.securityContext?.runAsNonRoot !== true) problems.push(`${owner}: runAsNonRoot is not set`);
    for (const v of (spec.volumes ?? []) as Doc[]) {
      if (v.secret && find('Secret', v.secret.secretName).length !== 1)
        problems.push(`${owner}: Secret ${v.secret.secretName} missing`);
      if (
        v.persistentVolumeClaim &&
        find('PersistentVolumeClaim', v.persistentVolumeClaim.claimName).length !== 1
      ) {
        problems.push(`${owner}: PVC ${v.persistentVolumeClaim.claimName} missing`);
      }
      if (Object.keys(v).length !== 2)
        problems.push(`${owner}: volume ${v.name} must have exactly one source`);
    }
  };
  for (const dep of find('Deployment')) {
    const owner = `Deployment/${dep.metadata.name}`;
    const spec = dep.spec.template.spec as Doc;
    if (!matches(dep.spec.selector.matchLabels, dep.spec.template.metadata.labels))
      problems.push(`${owner}: selector does not match its pods`);
    checkPod(owner, spec);
    const api = spec.containers[0] as Doc;
    if (api.livenessProbe?.httpGet?.path !== '/health/live')
      problems.push(`${owner}: liveness probe is not /health/live`);
    if (api.startupProbe?.httpGet?.path !== '/health/live')
      problems.push(`${owner}: startup probe is not /health/live`);
    if (api.readinessProbe?.httpGet?.path !== '/health/ready')
      problems.push(`${owner}: readiness probe is not /health/ready`);
    if (!(spec.terminationGracePeriodSeconds >= 35))
      problems.push(`${owner}: terminationGracePeriodSeconds < 35`);
    if (!api.lifecycle?.preStop) problems.push(`${owner}: no preStop hook`);
    const ports = new Set((api.ports ?? []).map((p: Doc) => p.name));
    for (const svc of find('Service')) {
      if (!matches(svc.spec.selector, dep.spec.template.metadata.labels))
        problems.push(`Service/${svc.metadata.name} selects no pod`);
      for (const p of svc.spec.ports as Doc[])
        if (!ports.has(p.targetPort)) problems.push(`Service: targetPort ${p.targetPort} unknown`);
    }
    for (const hpa of find('HorizontalPodAutoscaler')) {
      if (hpa.spec.scaleTargetRef.kind !== 'Deployment' || hpa.spec.scaleTargetRef.name !== dep.metadata.name)
        problems.push('HPA targets no Deployment');
      if (!(hpa.spec.minReplicas >= 2 && hpa.spec.minReplicas <= hpa.spec.maxReplicas))
        problems.push('HPA replicas out of order');
      for (const pdb of find('PodDisruptionBudget')) {
        if (!matches(pdb.spec.selector.matchLabels, dep.spec.template.metadata.labels))
          problems.push('PDB selects no pod');
        if (!(pdb.spec.minAvailable < hpa.spec.minReplicas))
          problems.push('PDB minAvailable blocks every voluntary eviction');
      }
    }
  }
  for (const sm of find('ServiceMonitor')) {
    const svc = find('Service').find((s) => matches(sm.spec.selector.matchLabels, s.metadata.labels));
    if (!svc) problems.push('ServiceMonitor selects no Service');
    for (const e of sm.spec.endpoints as Doc[]) {
      if (e.path !== '/metrics') problems.push('ServiceMonitor path is not /metrics');
      if (svc && !(svc.spec.ports as Doc[]).some((p) => p.name === e.port))
        problems.push(`ServiceMonitor port ${e.port} unknown`);
    }
  }
  for (const job of find('Job')) {
    const spec = job.spec.template.spec as Doc;
    checkPod(`Job/${job.metadata.name}`, spec);
    if (spec.restartPolicy !== 'Never' && spec.restartPolicy !== 'OnFailure')
      problems.push('Job restartPolicy');
    if (
      JSON.stringify(spec.containers[0].command) !== JSON.stringify(['node', 'dist/src/database/migrate.js'])
    ) {
      problems.push('migration Job does not run dist/src/database/migrate.js');
    }
  }
  for (const cm of find('ConfigMap', 'table-order-config')) {
    for (const key of Object.keys(cm.data))
      if (!DECLARED_ENV.has(key)) problems.push(`ConfigMap: ${key} is not a setting the app reads`);
    if (cm.data.NODE_ENV !== 'production') problems.push('ConfigMap: NODE_ENV is not production');
  }
  for (const s of find('Secret', 'table-order-secrets')) {
    for (const key of Object.keys(s.stringData ?? s.data))
      if (!DECLARED_ENV.has(key)) problems.push(`Secret: ${key} is not a setting`);
    for (const key of ['DATABASE_URL', 'REDIS_URL', 'RABBITMQ_URL'])
      if (!(key in (s.stringData ?? s.data))) problems.push(`Secret: ${key} missing`);
  }
  return problems;
}

const RULES = yaml.load(read('infra/monitoring/rules/table-order.rules.yml')) as Doc;
const OVERLAYS = ['staging', 'production'];

describe('deployment files', () => {
  describe.each(OVERLAYS)('kustomize overlay %s', (overlay) => {
    const dir = path.join(ROOT, 'infra/overlays', overlay);

    it('renders the app with every required kind, valid and consistent', () => {
      const docs = renderKustomization(dir);
      const kinds = new Set(docs.map((d) => d.kind));
      for (const kind of [
        'Namespace',
        'ConfigMap',
        'Secret',
        'Deployment',
        'Service',
        'HorizontalPodAutoscaler',
        'PodDisruptionBudget',
        'ServiceMonitor',
        'PrometheusRule',
      ]) {
        expect(kinds).toContain(kind);
      }
      expect(validate(docs, { namespaced: true })).toEqual([]);
      const rule = docs.find((d) => d.kind === 'PrometheusRule')!;
      expect(rule.spec).toEqual(RULES);
    });

    it('renders the migration Job with the same settings as the app', () => {
      const app = renderKustomization(dir);
      const migrate = renderKustomization(path.join(dir, 'migrate'));
      expect(migrate.filter((d) => d.kind === 'Job')).toHaveLength(1);
      expect(migrate.some((d) => d.kind === 'Deployment')).toBe(false);
      expect(validate(migrate, { namespaced: true })).toEqual([]);
      const config = (docs: Doc[]): Doc =>
        docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === 'table-order-config')!;
      expect(config(migrate)).toEqual(config(app));
      const image = (docs: Doc[]): string =>
        docs.map((d) => podSpec(d)?.containers?.[0]?.image).find(Boolean);
      expect(image(migrate)).toBe(image(app));
    });

    (haveKubectl ? it : it.skip)('renders identically with kubectl kustomize', () => {
      for (const d of [dir, path.join(dir, 'migrate')]) {
        const real = kubectlKustomize(d);
        expect(validate(real, { namespaced: true })).toEqual([]);
        const ids = (docs: Doc[]): string[] =>
          docs.map((x) => `${x.kind}/${x.metadata.namespace ?? ''}/${x.metadata.name}`).sort();
        expect(ids(real)).toEqual(ids(renderKustomization(d)));
      }
    });
  });

  it('production stores menu images in S3: no shared volume, the bucket configured, a service account for it', () => {
    const docs = renderKustomization(path.join(ROOT, 'infra/overlays/production'));
    expect(docs.filter((d) => d.kind === 'PersistentVolumeClaim')).toEqual([]);
    const config = docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === 'table-order-config')!;
    expect(config.data).toMatchObject({ IMAGE_STORAGE: 's3' });
    for (const key of ['S3_BUCKET', 'S3_REGION', 'S3_PUBLIC_URL']) expect(config.data[key]).toBeTruthy();
    // The settings are valid as the app validates them.
    expect(() => validateEnvironment(config.data as Record<string, string>)).not.toThrow();
    const pod = docs.find((d) => d.kind === 'Deployment')!.spec.template.spec as Doc;
    for (const v of pod.volumes as Doc[]) expect(v.persistentVolumeClaim).toBeUndefined();
    const account = docs.find((d) => d.kind === 'ServiceAccount')!;
    expect(pod.serviceAccountName).toBe(account.metadata.name);
    expect(account.metadata.namespace).toBe('table-order');
  });

  it('the validator catches a broken manifest', () => {
    const docs = renderKustomization(path.join(ROOT, 'infra/overlays/production'));
    const dep = docs.find((d) => d.kind === 'Deployment')!;
    dep.spec.template.spec.containers[0].readinessProbe.httpGet.path = '/health/live';
    dep.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false;
    docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === 'table-order-config')!.data.SLOW_QUERY =
      '1';
    expect(validate(docs, { namespaced: true })).toEqual([
      'Deployment/table-order-api: root filesystem not read-only',
      'Deployment/table-order-api: readiness probe is not /health/ready',
      'ConfigMap: SLOW_QUERY is not a setting the app reads',
    ]);
  });

  describe('Dockerfile (structural lint: hadolint is not installable from npm or Debian)', () => {
    const dockerfile = read('Dockerfile');
    const lines = dockerfile.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
    const froms = lines.filter((l) => /^FROM\s/i.test(l));

    it('is multi-stage on a pinned Node 24 image', () => {
      expect(froms.length).toBeGreaterThanOrEqual(2);
      for (const f of froms) expect(f).toMatch(/^FROM node:24-(slim|alpine)\b/);
      expect(dockerfile).not.toMatch(/:latest\b/);
    });

    it('builds in the first stage and ships production dependencies only, as a non-root user', () => {
      const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
      expect(dockerfile).toMatch(/npm run build/);
      expect(dockerfile).toMatch(/npm (prune|ci) --omit=dev/);
      expect(final).toMatch(/^USER (node|\d{3,})$/m);
      expect(final).not.toMatch(/^USER root/m);
      expect(final).toMatch(/COPY --from=build \/app\/dist/);
      expect(final).not.toMatch(/COPY (\.|src)\b/);
    });

    it('has a HEALTHCHECK on /health/live without curl, and runs the compiled main in exec form', () => {
      expect(dockerfile).toMatch(/HEALTHCHECK[^\n]*\\\n\s*CMD \["node", "-e", "[^\n]*\/health\/live/);
      expect(lines.join('\n')).not.toMatch(/curl|wget/);
      expect(lines[lines.length - 1]).toBe('CMD ["node", "dist/src/main.js"]');
    });

    it('copies only paths that exist, and .dockerignore keeps secrets and bulk out', () => {
      for (const m of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
        for (const src of m[1].split(/\s+/)) expect(fs.existsSync(path.join(ROOT, src))).toBe(true);
      }
      const ignore = read('.dockerignore').split('\n');
      for (const entry of ['node_modules', '.git', '.env', 'dist', 'secrets'])
        expect(ignore).toContain(entry);
    });
  });

  describe('docker-compose.yml', () => {
    const compose = yaml.load(read('docker-compose.yml')) as Doc;

    it('runs the app with PostgreSQL 15, Redis 7, RabbitMQ 3 and MinIO, each long-running one health-checked', () => {
      expect(Object.keys(compose.services).sort()).toEqual([
        'app',
        'minio',
        'minio-setup',
        'postgres',
        'rabbitmq',
        'redis',
      ]);
      expect(compose.services.postgres.image).toBe('postgres:15');
      expect(compose.services.redis.image).toBe('redis:7');
      expect(compose.services.rabbitmq.image).toBe('rabbitmq:3-management');
      expect(compose.services.minio.image).toMatch(/^minio\/minio:RELEASE\./);
      for (const s of Object.values(compose.services) as Doc[])
        if (s.restart !== 'no') expect(s.healthcheck?.test).toBeDefined();
    });

    it('stores menu images in MinIO: the bucket made first, the app pointed at it with path-style URLs', () => {
      const app = compose.services.app as Doc;
      const setup = (compose.services['minio-setup'] as Doc).entrypoint.join(' ') as string;
      const bucket = app.environment.S3_BUCKET as string;
      expect(setup).toContain(`mc mb --ignore-existing local/${bucket}`);
      expect(setup).toContain(`mc anonymous set download local/${bucket}`);
      expect(app.depends_on['minio-setup']).toEqual({ condition: 'service_completed_successfully' });
      expect(app.environment).toMatchObject({
        IMAGE_STORAGE: 's3',
        S3_ENDPOINT: 'http://minio:9000',
        S3_FORCE_PATH_STYLE: 'true',
        S3_PUBLIC_URL: `http://localhost:9000/${bucket}`,
        AWS_ACCESS_KEY_ID: compose.services.minio.environment.MINIO_ROOT_USER,
        AWS_SECRET_ACCESS_KEY: compose.services.minio.environment.MINIO_ROOT_PASSWORD,
      });
      expect(app.volumes).toBeUndefined();
    });

    it('wires the app to all three and starts it only once they are healthy', () => {
      const app = compose.services.app as Doc;
      expect(app.build).toBe('.');
      for (const dep of ['postgres', 'redis', 'rabbitmq'])
        expect(app.depends_on[dep]).toEqual({ condition: 'service_healthy' });
      expect(app.environment.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
      expect(app.environment.REDIS_URL).toBe('redis://redis:6379');
      expect(app.environment.RABBITMQ_URL).toMatch(/^amqp:\/\/[^@]+@rabbitmq:5672$/);
      for (const key of Object.keys(app.environment))
        expect(DECLARED_ENV.has(key) || AWS_SDK_ENV.has(key)).toBe(true);
      for (const s of app.secrets as string[]) expect(compose.secrets[s].file).toMatch(/^\.\/secrets\//);
      expect(app.environment.JWT_PRIVATE_KEY_FILE).toBe('/run/secrets/jwt_private_key');
    });
  });

  describe('monitoring', () => {
    const exported = new Set<string>([
      ...Object.values(METRIC),
      'up',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ]);
    const metricNames = (expr: string): string[] =>
      [...expr.matchAll(/\b([a-z_][a-z0-9_]*)(?=\{|\[)/g)]
        .map((m) => m[1].replace(/_(bucket|count|sum)$/, ''))
        .filter(
          (n) => !['by', 'rate', 'sum', 'max', 'min', 'deriv', 'count', 'histogram_quantile'].includes(n),
        );

    it('alerts on the design thresholds, using metrics the app exports', () => {
      const rules = (RULES.groups as Doc[]).flatMap((g) => g.rules as Doc[]);
      const byName = Object.fromEntries(rules.map((r) => [r.alert, r]));
      expect(byName.TableOrderApiLatencyHigh.expr).toMatch(/histogram_quantile\(0\.95,[\s\S]*\) > 3\s*$/);
      expect(byName.TableOrderApiLatencyHigh.for).toBe('5m');
      expect(byName.TableOrderApiErrorRateHigh.expr).toMatch(/> 0\.05\s*$/);
      expect(byName.TableOrderApiErrorRateHigh.for).toBe('5m');
      expect(byName.TableOrderNotReady.expr).toContain('table_order_ready');
      // A dependency down for more than a minute, and one that keeps dropping for less.
      expect(byName.TableOrderDependencyDown.expr).toMatch(/^table_order_dependency_up\{[^}]*\} == 0$/);
      expect(byName.TableOrderDependencyDown.for).toBe('1m');
      expect(byName.TableOrderDependencyFlapping.expr).toContain('table_order_dependency_outages_total');
      expect(byName.TableOrderOutboxBacklogGrowing.expr).toContain('table_order_outbox_backlog_events');
      expect(byName.TableOrderSseDeliveryLagHigh.expr).toMatch(
        /table_order_sse_delivery_lag_seconds_bucket[\s\S]*> 0\.5\s*$/,
      );
      for (const r of rules) for (const n of metricNames(r.expr)) expect(exported).toContain(n);
    });

    it('has a Grafana dashboard with the panels an operator opens first, on exported metrics', () => {
      const dash = JSON.parse(read('infra/monitoring/grafana/table-order-dashboard.json')) as Doc;
      const titles = (dash.panels as Doc[]).map((p) => p.title);
      for (const t of [
        'Request rate by route',
        'Latency percentiles',
        'Errors by route (5xx and 4xx)',
        'Orders per minute',
        'Open SSE streams',
        'Outbox backlog and oldest unpublished event',
        'Database pool',
        'Dependencies up',
        'Dependency outages',
      ]) {
        expect(titles).toContain(t);
      }
      for (const p of dash.panels as Doc[]) {
        expect(p.targets.length).toBeGreaterThan(0);
        for (const target of p.targets as Doc[])
          for (const n of metricNames(target.expr)) expect(exported).toContain(n);
      }
    });
  });
});
