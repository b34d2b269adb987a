import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { find, render, type Manifest } from './render';

/** The schema of every kind the manifests use: Kubernetes' own and KEDA's CRD. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

/** Each manifest's schema errors, as `Kind/name: message`; empty when all are valid. */
function schemaErrors(manifests: Manifest[]): string[] {
  return manifests.flatMap((manifest) => {
    const id = `${manifest.kind}/${manifest.metadata.name}`;
    const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
    if (Model === undefined) return [`${id}: no schema for ${manifest.apiVersion}`];
    try {
      new Model(manifest as never).validate();
      return [];
    } catch (error) {
      return [`${id}: ${error instanceof Error ? error.message : String(error)}`];
    }
  });
}

interface PodSpec {
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: {
    name: string;
    securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean };
  }[];
}

const podSpec = (manifest: Manifest): PodSpec =>
  (manifest as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;

describe.each(['base', 'overlays/example', 'overlays/example-prometheus'])(
  'deploy/k8s/%s',
  (kustomization) => {
    const { manifests, renderer } = render(kustomization);

    it(`validates against the Kubernetes and KEDA schemas (rendered by ${renderer})`, () => {
      expect(manifests.length).toBeGreaterThanOrEqual(9);
      expect(schemaErrors(manifests)).toEqual([]);
    });

    it('runs every pod as non-root, without privilege escalation, on a read-only root', () => {
      const workloads = manifests.filter(
        (m) => m.kind === 'Deployment' || m.kind === 'StatefulSet',
      );
      expect(workloads.map((m) => m.metadata.name).sort()).toEqual([
        'imgcls-api',
        'imgcls-redis',
        'imgcls-worker',
      ]);
      for (const workload of workloads) {
        const spec = podSpec(workload);
        expect([workload.metadata.name, spec.securityContext?.runAsNonRoot]).toEqual([
          workload.metadata.name,
          true,
        ]);
        expect(spec.securityContext?.runAsUser).toBeGreaterThan(0);
        for (const { name, securityContext } of spec.containers) {
          expect([name, securityContext]).toEqual([
            name,
            expect.objectContaining({
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
            }),
          ]);
        }
      }
    });

    it('gives the api and the workers a grace period above their drain time', () => {
      for (const name of ['imgcls-api', 'imgcls-worker']) {
        // The api drains synchronous requests for up to SYNC_TIMEOUT_MS (30 s).
        expect(
          podSpec(find(manifests, 'Deployment', name)).terminationGracePeriodSeconds,
        ).toBeGreaterThan(30);
      }
    });
  },
);

describe('the schema check', () => {
  it('rejects a manifest that breaks the schema, so a pass means something', () => {
    const { manifests } = render('base');
    const deployment = find(manifests, 'Deployment', 'imgcls-worker') as Manifest & {
      spec: Record<string, unknown>;
    };
    const broken = { ...deployment, spec: { ...deployment.spec, replicas: 'two' } };
    expect(schemaErrors([broken])).toEqual([expect.stringMatching(/^Deployment\/imgcls-worker: /)]);
    const scaledObject = find(manifests, 'ScaledObject', 'imgcls-worker') as Manifest & {
      spec: Record<string, unknown>;
    };
    const noTarget = { ...scaledObject, spec: { ...scaledObject.spec, scaleTargetRef: undefined } };
    expect(schemaErrors([noTarget])).toEqual([
      expect.stringMatching(/^ScaledObject\/imgcls-worker: /),
    ]);
    const unknownKind = { ...deployment, apiVersion: 'example.com/v1' };
    expect(schemaErrors([unknownKind])).toEqual([expect.stringMatching(/no schema/)]);
  });
});

describe('deploy/k8s/overlays/example-prometheus', () => {
  it("scales the workers on the api's queue-depth metric instead of the Redis list", () => {
    const { manifests, renderer } = render('overlays/example-prometheus');
    const scaledObject = find(manifests, 'ScaledObject', 'imgcls-worker') as unknown as {
      spec: { triggers: { type: string; metadata: Record<string, string> }[] };
    };
    const types = scaledObject.spec.triggers.map((t) => t.type);
    // Without kubectl the component's patch is not applied: the base's trigger stays.
    expect(types).toEqual([renderer === 'kubectl kustomize' ? 'prometheus' : 'redis']);
    if (types[0] === 'prometheus') {
      expect(scaledObject.spec.triggers[0]?.metadata['query']).toBe('max(imgcls_api_queue_depth)');
    }
  });
});
