// check.mjs: validates one rendered Keyward overlay.
//
//   node check.mjs OVERLAY RENDERED.yaml [SCRAPE_CONFIG.yaml]
//
// OVERLAY is base, dev or production. Every object of RENDERED.yaml (the
// output of `kubectl kustomize`) must validate against the Kubernetes
// OpenAPI schemas (schema.mjs) and the whole must have the properties of
// properties.mjs; SCRAPE_CONFIG.yaml, when given, must scrape what the
// pods expose. Prints what it checked; exits 1 on any failure.
import { readFileSync } from "node:fs";
import { parseAllDocuments, parse } from "yaml";
import { validateObject } from "./schema.mjs";
import { Checker, checkDeployment } from "./properties.mjs";

const OVERLAYS = {
  base: { namespace: undefined, requiredAntiAffinity: true },
  dev: { namespace: "keyward-dev", requiredAntiAffinity: false },
  production: { namespace: "keyward", requiredAntiAffinity: true },
};

const [overlay, renderedPath, scrapePath] = process.argv.slice(2);
const options = OVERLAYS[overlay];
if (!options || !renderedPath) {
  console.error("usage: node check.mjs base|dev|production RENDERED.yaml [SCRAPE.yaml]");
  process.exit(2);
}

const checker = new Checker();

// The validator itself must reject a broken object, or its "valid" means
// nothing.
const broken = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" },
  spec: { replicas: "3", selector: {}, template: { spec: { containers: [{}] } } } };
checker.expect(validateObject(broken).length >= 2,
    "the schema validator rejects a Deployment with a string replicas and a nameless container");

const documents = parseAllDocuments(readFileSync(renderedPath, "utf8"));
const objects = [];
for (const document of documents) {
  if (document.errors.length > 0) {
    checker.expect(false, `YAML: ${document.errors[0].message}`);
    continue;
  }
  const object = document.toJS();
  if (object === null) continue;
  objects.push(object);
  const errors = validateObject(object);
  const name = `${object.kind}/${object.metadata && object.metadata.name}`;
  checker.expect(errors.length === 0, `${name} against the schema: ${errors.join("; ")}`);
  console.log(`${errors.length === 0 ? "valid  " : "INVALID"} ${object.apiVersion} ${name}`);
  checker.expect(object.metadata.namespace === options.namespace,
      `${name} in namespace ${options.namespace}`);
}
const schemaValid = objects.length;
checker.expect(objects.length >= 8, `at least 8 objects rendered (${objects.length})`);
checkDeployment(objects, options, checker);

if (scrapePath) {
  const scrape = parse(readFileSync(scrapePath, "utf8"));
  const job = (scrape.scrape_configs || []).find((j) => j.job_name === "keyward");
  const rules = (job && job.relabel_configs) || [];
  const keeps = (label, regex) => rules.some((r) => r.action === "keep" &&
      (r.source_labels || []).join() === label && r.regex === regex);
  checker.expect(job && job.kubernetes_sd_configs[0].role === "pod", "scrape job discovers pods");
  checker.expect(keeps("__meta_kubernetes_pod_annotation_prometheus_io_scrape", "true"),
      "scrape job keeps annotated pods");
  checker.expect(keeps("__meta_kubernetes_pod_container_port_name", "metrics"),
      "scrape job scrapes the port named metrics");
  if (options.namespace) {
    checker.expect(job.kubernetes_sd_configs[0].namespaces.names.includes(options.namespace),
        `scrape job looks in namespace ${options.namespace}`);
  }
}

for (const failure of checker.failures) console.log(`FAILED: ${failure}`);
console.log(`${overlay}: ${schemaValid} objects against the schemas, ` +
    `${checker.checked} properties checked, ${checker.failures.length} failed`);
process.exit(checker.failures.length === 0 ? 0 : 1);
