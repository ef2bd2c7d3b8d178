// The security and operational properties of a rendered Keyward
// deployment (issue: "Deployed in Kubernetes"), asserted on the objects
// kustomize renders, so that a later edit cannot drop one silently. The
// server's own configuration (the generated ConfigMap's server.textproto)
// is read too: ports, probes, mounts and the termination grace must agree
// with it.

// Checker counts what was checked and collects what failed.
export class Checker {
  constructor() {
    this.checked = 0;
    this.failures = [];
  }

  // expect records one property; `what` names it in a failure.
  expect(condition, what) {
    this.checked += 1;
    if (!condition) this.failures.push(what);
    return Boolean(condition);
  }
}

// textprotoValue reads `field` of `block` (or of the top level when block
// is empty) from protobuf text format, for the simple scalar fields of
// service/server_config.proto. Undefined when absent.
export function textprotoValue(text, block, field) {
  const lines = text.split("\n").map((l) => l.replace(/#.*/, "").trim());
  let depth = 0;
  let inBlock = block === "";
  for (const line of lines) {
    const open = line.match(/^(\w+)\s*\{$/);
    if (open) {
      depth += 1;
      if (depth === 1 && open[1] === block) inBlock = true;
      continue;
    }
    if (line === "}") {
      depth -= 1;
      if (depth === 0 && block !== "") inBlock = false;
      continue;
    }
    const wanted = block === "" ? depth === 0 : depth === 1 && inBlock;
    const m = line.match(/^(\w+)\s*:\s*(.*)$/);
    if (wanted && m && m[1] === field) {
      return m[2].replace(/^"(.*)"$/, "$1");
    }
  }
  return undefined;
}

function portOf(address) {
  const m = /:(\d+)$/.exec(address || "");
  return m ? Number(m[1]) : undefined;
}

// Kubernetes CPU quantity ("2", "1500m") in cores.
function cores(quantity) {
  const s = String(quantity);
  return s.endsWith("m") ? Number(s.slice(0, -1)) / 1000 : Number(s);
}

function matches(selector, labels) {
  const wanted = (selector && selector.matchLabels) || {};
  return Object.keys(wanted).length > 0 &&
      Object.entries(wanted).every(([k, v]) => labels[k] === v);
}

function only(objects, kind, checker) {
  const found = objects.filter((o) => o.kind === kind);
  checker.expect(found.length === 1, `exactly one ${kind} (found ${found.length})`);
  return found[0];
}

// checkDeployment asserts every property on `objects` (one rendered
// overlay). `requiredAntiAffinity`: replicas must never share a node
// (false for the dev overlay, whose cluster may have one node).
export function checkDeployment(objects, { requiredAntiAffinity }, checker) {
  const c = checker;
  const deployment = only(objects, "Deployment", c);
  if (!deployment) return;
  const namespaces = new Set(objects.map((o) => o.metadata.namespace));
  c.expect(namespaces.size === 1, `one namespace for every object (${[...namespaces]})`);

  const pod = deployment.spec.template;
  const spec = pod.spec;
  const labels = pod.metadata.labels || {};
  c.expect(matches(deployment.spec.selector, labels), "Deployment selector matches its pods");

  // The server's configuration, from the ConfigMap the pod mounts.
  const configVolume = (spec.volumes || []).find((v) => v.configMap);
  const configMap = configVolume && objects.find(
      (o) => o.kind === "ConfigMap" && o.metadata.name === configVolume.configMap.name);
  c.expect(configMap && configMap.data && configMap.data["server.textproto"],
      "the pod mounts a rendered ConfigMap holding server.textproto");
  const config = (configMap && configMap.data && configMap.data["server.textproto"]) || "";
  const grpcPort = portOf(textprotoValue(config, "", "listen_address"));
  const healthPort = portOf(textprotoValue(config, "", "health_listen_address"));
  const metricsPort = portOf(textprotoValue(config, "metrics", "listen_address"));
  const grace = Number(textprotoValue(config, "", "shutdown_grace_seconds"));
  c.expect(grpcPort && healthPort && metricsPort,
      "server.textproto sets listen_address, health_listen_address and metrics.listen_address");
  c.expect(textprotoValue(config, "tls", "server_cert_file"), "server.textproto serves mutual TLS");
  c.expect(Number(textprotoValue(config, "keystore", "watch_interval_seconds")) > 0,
      "keystore.watch_interval_seconds > 0: a changed keystore Secret is reloaded");
  const tlsReload = textprotoValue(config, "tls", "reload_interval_seconds");
  c.expect(tlsReload === undefined || Number(tlsReload) > 0,
      "tls.reload_interval_seconds keeps TLS files re-read");

  // Availability.
  c.expect(deployment.spec.replicas >= 3, `replicas >= 3 (${deployment.spec.replicas})`);
  const rolling = (deployment.spec.strategy || {}).rollingUpdate || {};
  c.expect(rolling.maxUnavailable === 0, "rollouts keep every replica until its successor is ready");
  const anti = (spec.affinity || {}).podAntiAffinity || {};
  const terms = requiredAntiAffinity
    ? anti.requiredDuringSchedulingIgnoredDuringExecution || []
    : (anti.preferredDuringSchedulingIgnoredDuringExecution || []).map((t) => t.podAffinityTerm);
  c.expect(terms.some((t) => t.topologyKey === "kubernetes.io/hostname" &&
                            matches(t.labelSelector, labels)),
      `pod anti-affinity per node (${requiredAntiAffinity ? "required" : "preferred"})`);
  c.expect((spec.topologySpreadConstraints || []).some(
      (t) => t.topologyKey === "topology.kubernetes.io/zone" && t.maxSkew === 1 &&
             matches(t.labelSelector, labels) &&
             (t.whenUnsatisfiable !== "DoNotSchedule" || t.nodeTaintsPolicy === "Honor")),
      "topology spread over zones, maxSkew 1 (strict only where failed zones' " +
      "tainted nodes leave the count)");
  c.expect(spec.terminationGracePeriodSeconds >= grace + 5,
      `terminationGracePeriodSeconds (${spec.terminationGracePeriodSeconds}) >= ` +
      `shutdown_grace_seconds (${grace}) + 5`);

  // Pod security.
  const podSecurity = spec.securityContext || {};
  c.expect(podSecurity.runAsNonRoot === true, "pod runAsNonRoot");
  c.expect(podSecurity.runAsUser > 0, "pod runAsUser is not root");
  c.expect((podSecurity.seccompProfile || {}).type === "RuntimeDefault", "pod seccomp RuntimeDefault");
  c.expect(spec.automountServiceAccountToken === false, "no service account token mounted");
  for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
    c.expect(spec[field] !== true, `no ${field}`);
  }
  const volumes = spec.volumes || [];
  c.expect(volumes.every((v) => !v.hostPath), "no hostPath volumes");
  const secretVolumes = volumes.filter((v) => v.secret);
  c.expect(secretVolumes.length === 2, "keystore and TLS material from two Secrets");
  for (const v of secretVolumes) {
    c.expect(v.secret.defaultMode === 0o400, `Secret volume ${v.name} mode 0400`);
    c.expect(!(v.secret.items || []).some((i) => i.mode !== undefined && i.mode !== 0o400),
        `Secret volume ${v.name}: no item wider than 0400`);
  }

  const containers = (spec.initContainers || []).concat(spec.containers || []);
  c.expect(spec.containers.length === 1, "one container");
  for (const container of containers) {
    const name = container.name;
    const sc = container.securityContext || {};
    c.expect(sc.allowPrivilegeEscalation === false, `${name}: allowPrivilegeEscalation false`);
    c.expect(sc.readOnlyRootFilesystem === true, `${name}: read-only root file system`);
    c.expect(sc.privileged !== true, `${name}: not privileged`);
    c.expect(((sc.capabilities || {}).drop || []).includes("ALL"), `${name}: drops ALL capabilities`);
    c.expect(((sc.capabilities || {}).add || []).length === 0, `${name}: adds no capability`);
    c.expect(sc.runAsNonRoot !== false && (sc.runAsUser === undefined || sc.runAsUser > 0),
        `${name}: does not override runAsNonRoot`);
    c.expect(!sc.seccompProfile || sc.seccompProfile.type === "RuntimeDefault",
        `${name}: seccomp stays RuntimeDefault`);
    const resources = container.resources || {};
    for (const kind of ["requests", "limits"]) {
      for (const resource of ["cpu", "memory"]) {
        c.expect((resources[kind] || {})[resource] !== undefined, `${name}: ${kind}.${resource} set`);
      }
    }
    const mounts = container.volumeMounts || [];
    for (const v of secretVolumes) {
      const mount = mounts.find((m) => m.name === v.name);
      c.expect(mount && mount.readOnly === true, `${name}: Secret ${v.name} mounted read-only`);
    }
    c.expect(mounts.every((m) => m.readOnly === true || volumes.some(
        (v) => v.name === m.name && v.emptyDir)),
        `${name}: every writable mount is an emptyDir`);
  }

  // The server container: ports, probes and files agree with its config.
  const server = spec.containers[0];
  const ports = Object.fromEntries((server.ports || []).map((p) => [p.name, p.containerPort]));
  c.expect(ports.grpc === grpcPort, `container port "grpc" is listen_address's (${grpcPort})`);
  c.expect(ports.health === healthPort, `container port "health" is health_listen_address's (${healthPort})`);
  c.expect(ports.metrics === metricsPort, `container port "metrics" is metrics.listen_address's (${metricsPort})`);
  for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
    const p = server[probe] || {};
    c.expect(p.grpc && p.grpc.port === healthPort, `${probe}: native gRPC probe on the health port`);
  }
  c.expect(((server.readinessProbe || {}).grpc || {}).service === "keyward.v1.KeyService",
      "readiness follows keyward.v1.KeyService's health");
  // Health is NOT_SERVING for the whole drain: liveness must not give up
  // on a draining server before its grace runs out.
  const liveness = server.livenessProbe || {};
  c.expect((liveness.periodSeconds || 10) * (liveness.failureThreshold || 3) > grace,
      "liveness tolerates NOT_SERVING for longer than shutdown_grace_seconds");
  const workers = Number(textprotoValue(config, "limits", "worker_threads"));
  // Two workers per CPU, as the server's default is per core
  // (kDefaultWorkerThreadsPerCore in service/server_config.h).
  c.expect(workers === 2 * Math.ceil(cores(((server.resources || {}).limits || {}).cpu)),
      `limits.worker_threads (${workers}) is twice the CPU limit`);
  const mountOf = (path) => (server.volumeMounts || []).find(
      (m) => path === m.mountPath || path.startsWith(m.mountPath + "/"));
  const secretMount = (path) => {
    const m = mountOf(path || "");
    return m && secretVolumes.some((v) => v.name === m.name);
  };
  for (const [block, field] of [["tls", "server_cert_file"], ["tls", "server_key_file"],
                                ["tls", "client_ca_file"], ["keystore", "directory"]]) {
    c.expect(secretMount(textprotoValue(config, block, field)),
        `${block}.${field} is on a Secret mount`);
  }
  const tmp = mountOf("/tmp/x");
  c.expect(tmp && volumes.some((v) => v.name === tmp.name && v.emptyDir),
      "/tmp (where the client CA bundle is staged) is a writable emptyDir");
  const configMount = mountOf("/etc/keyward/config/server.textproto");
  c.expect(configMount && configMount.name === configVolume.name &&
      (server.args || []).includes(`--config=${configMount.mountPath}/server.textproto`),
      "the server reads the mounted server.textproto");

  // Prometheus scrape annotations.
  const annotations = pod.metadata.annotations || {};
  c.expect(annotations["prometheus.io/scrape"] === "true" &&
      Number(annotations["prometheus.io/port"]) === metricsPort,
      "pods are annotated for scraping on the metrics port");

  // Services.
  const services = objects.filter((o) => o.kind === "Service");
  const headless = services.find((s) => s.spec.clusterIP === "None");
  const clusterIp = services.find((s) => s.spec.clusterIP !== "None" &&
      (s.spec.type || "ClusterIP") === "ClusterIP");
  for (const [what, service] of [["headless", headless], ["ClusterIP", clusterIp]]) {
    c.expect(service && service.spec.selector &&
        matches({ matchLabels: service.spec.selector }, labels),
        `a ${what} Service selects the pods`);
    c.expect(service && service.spec.ports.some(
        (p) => p.port === grpcPort && (p.targetPort === "grpc" || p.targetPort === grpcPort)),
        `the ${what} Service forwards the gRPC port`);
  }
  c.expect(headless && headless.spec.publishNotReadyAddresses !== true,
      "the headless Service publishes ready pods only");

  // Disruption budget: one replica at a time.
  const pdb = only(objects, "PodDisruptionBudget", c);
  if (pdb) {
    c.expect(matches(pdb.spec.selector, labels), "PodDisruptionBudget selects the pods");
    c.expect(pdb.spec.maxUnavailable === 1 ||
        pdb.spec.minAvailable >= deployment.spec.replicas - 1,
        "PodDisruptionBudget allows one replica down at a time");
  }

  // Network policy: edges to gRPC, monitoring to metrics, nothing else.
  const policy = only(objects, "NetworkPolicy", c);
  if (policy) {
    c.expect(matches(policy.spec.podSelector, labels), "NetworkPolicy selects the pods");
    c.expect((policy.spec.policyTypes || []).includes("Ingress"), "NetworkPolicy governs ingress");
    const rules = policy.spec.ingress || [];
    const rule = (namespace) => rules.filter((r) => (r.from || []).length > 0 &&
        r.from.every((f) => !f.ipBlock && !f.podSelector && f.namespaceSelector &&
            Object.keys(f.namespaceSelector).length === 1 &&
            JSON.stringify(f.namespaceSelector.matchLabels) ===
                JSON.stringify({ "kubernetes.io/metadata.name": namespace })));
    c.expect(rules.length === 2, `two ingress rules (${rules.length})`);
    const portsOf = (r) => (r.ports || []).map((p) => p.port);
    const edge = rule("edge");
    c.expect(edge.length === 1 && JSON.stringify(portsOf(edge[0])) === JSON.stringify([grpcPort]),
        "namespace edge reaches the gRPC port only");
    const monitoring = rule("monitoring");
    c.expect(monitoring.length === 1 &&
        JSON.stringify(portsOf(monitoring[0])) === JSON.stringify([metricsPort]),
        "namespace monitoring reaches the metrics port only");
  }

  // Autoscaling.
  const hpa = only(objects, "HorizontalPodAutoscaler", c);
  if (hpa) {
    const target = hpa.spec.scaleTargetRef;
    c.expect(target.kind === "Deployment" && target.name === deployment.metadata.name,
        "HorizontalPodAutoscaler scales the Deployment");
    c.expect(hpa.spec.minReplicas >= deployment.spec.replicas &&
        hpa.spec.maxReplicas > hpa.spec.minReplicas,
        "HorizontalPodAutoscaler never goes below the Deployment's replicas");
    c.expect((hpa.spec.metrics || []).some((m) => m.type === "Resource" &&
        m.resource.name === "cpu"), "HorizontalPodAutoscaler follows CPU");
  }
}
