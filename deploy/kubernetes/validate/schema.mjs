// Validation of Kubernetes objects against the Kubernetes OpenAPI schemas,
// offline: kubernetes-models carries a compiled validator for every
// built-in kind (Kubernetes 1.30 API).
import * as core from "kubernetes-models/v1";
import * as apps from "kubernetes-models/apps/v1";
import * as autoscaling from "kubernetes-models/autoscaling/v2";
import * as networking from "kubernetes-models/networking.k8s.io/v1";
import * as policy from "kubernetes-models/policy/v1";

// The API versions these manifests may use. Anything else (a typo, a
// removed beta version, a custom resource) is an error, not a skip.
const MODELS = {
  v1: core,
  "apps/v1": apps,
  "autoscaling/v2": autoscaling,
  "networking.k8s.io/v1": networking,
  "policy/v1": policy,
};

// validateObject returns the schema errors of `object` as strings (none
// when it is valid).
export function validateObject(object) {
  if (object === null || typeof object !== "object") {
    return ["not an object"];
  }
  const models = MODELS[object.apiVersion];
  const Model = models && models[object.kind];
  if (typeof Model !== "function") {
    return [`no schema for apiVersion ${object.apiVersion} kind ${object.kind}`];
  }
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    const details = (error.errors || []).map(
      (e) => `${e.instancePath || "/"} ${e.message}`);
    return details.length > 0 ? details : [String(error.message || error)];
  }
}
