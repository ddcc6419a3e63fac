// Command check reads the YAML stream `helm template` prints and decodes every document into
// Kubernetes' own Go types (k8s.io/api), refusing unknown and duplicate fields as the API server's
// strict field validation does, so a misspelt or misplaced field in the chart fails CI instead of
// being dropped silently by a cluster. A few rules the API server would also enforce follow.
//
//	helm template deploy/helm/jit-watcher | check
//
// Prints one line per document on success; on the first bad document prints one line naming it
// and the problem, and exits 1.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// document is one object of the stream: where helm says it came from, and its JSON form.
type document struct {
	index  int
	source string
	json   []byte
}

func (d document) String() string {
	if d.source != "" {
		return fmt.Sprintf("document %d (%s)", d.index, d.source)
	}
	return fmt.Sprintf("document %d", d.index)
}

// kinds maps apiVersion/kind to a constructor of its typed object and its extra rules.
var kinds = map[string]func() (any, func(any) error){
	"v1/ConfigMap":       typed(&corev1.ConfigMap{}, func(o *corev1.ConfigMap) error { return objectMeta(o.ObjectMeta) }),
	"v1/Secret":          typed(&corev1.Secret{}, func(o *corev1.Secret) error { return objectMeta(o.ObjectMeta) }),
	"v1/ServiceAccount":  typed(&corev1.ServiceAccount{}, func(o *corev1.ServiceAccount) error { return objectMeta(o.ObjectMeta) }),
	"v1/Service":         typed(&corev1.Service{}, service),
	"apps/v1/Deployment": typed(&appsv1.Deployment{}, deployment),
	"policy/v1/PodDisruptionBudget": typed(&policyv1.PodDisruptionBudget{}, func(o *policyv1.PodDisruptionBudget) error {
		if err := objectMeta(o.ObjectMeta); err != nil {
			return err
		}
		return selector("spec.selector", o.Spec.Selector)
	}),
}

// typed pairs a fresh object of type T with rules written against T.
func typed[T any](_ *T, rules func(*T) error) func() (any, func(any) error) {
	return func() (any, func(any) error) {
		return new(T), func(o any) error { return rules(o.(*T)) }
	}
}

func main() {
	docs, err := read(os.Stdin)
	if err != nil {
		fail("input: %v", err)
	}
	if len(docs) == 0 {
		fail("input: no Kubernetes objects on stdin")
	}
	for _, d := range docs {
		line, err := check(d)
		if err != nil {
			fail("%s: %v", d, err)
		}
		fmt.Printf("ok %s: %s\n", d, line)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "check: "+format+"\n", args...)
	os.Exit(1)
}

var sourceComment = regexp.MustCompile(`(?m)^# Source: (\S+)`)

// read splits the stream into documents, skipping those that are only comments (helm prints a
// "# Source:" header for templates that rendered nothing).
func read(in io.Reader) ([]document, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(in))
	var docs []document
	for n := 1; ; n++ {
		raw, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		// Duplicate keys are an error here, as the API server refuses them.
		js, err := yaml.YAMLToJSONStrict(raw)
		if err != nil {
			return nil, fmt.Errorf("document %d: not valid YAML: %v", n, err)
		}
		if bytes.Equal(bytes.TrimSpace(js), []byte("null")) {
			continue
		}
		d := document{index: n, json: js}
		if m := sourceComment.FindSubmatch(raw); m != nil {
			d.source = string(m[1])
		}
		docs = append(docs, d)
	}
}

func check(d document) (string, error) {
	var meta metav1.TypeMeta
	if err := kjson.UnmarshalCaseSensitivePreserveInts(d.json, &meta); err != nil {
		return "", fmt.Errorf("not an object: %v", err)
	}
	key := meta.APIVersion + "/" + meta.Kind
	if key == "monitoring.coreos.com/v1/ServiceMonitor" {
		return serviceMonitor(d.json)
	}
	newObject, ok := kinds[key]
	if !ok {
		return "", fmt.Errorf("apiVersion %q kind %q has no type in this checker; add it to deploy/helm/check/main.go", meta.APIVersion, meta.Kind)
	}
	object, rules := newObject()
	if err := strict(d.json, object); err != nil {
		return "", err
	}
	if err := rules(object); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s %s", meta.Kind, object.(metav1.Object).GetName()), nil
}

// strict decodes as the API server's strict field validation does: case-sensitive field names,
// unknown and duplicate fields refused (the error names the field's path).
func strict(js []byte, into any) error {
	strictErrs, err := kjson.UnmarshalStrict(js, into, kjson.DisallowDuplicateFields, kjson.DisallowUnknownFields)
	if err != nil {
		return err
	}
	if len(strictErrs) > 0 {
		return strictErrs[0]
	}
	return nil
}

// serviceMonitor checks a prometheus-operator ServiceMonitor without its Go type, which is not
// part of k8s.io/api: the envelope and metadata strictly, spec.selector as a LabelSelector, and
// that it has endpoints. The endpoint fields are left to the CRD's schema in the cluster.
func serviceMonitor(js []byte) (string, error) {
	var envelope struct {
		metav1.TypeMeta `json:",inline"`
		Metadata        metav1.ObjectMeta `json:"metadata"`
		Spec            map[string]any    `json:"spec"`
	}
	if err := strict(js, &envelope); err != nil {
		return "", err
	}
	if err := objectMeta(envelope.Metadata); err != nil {
		return "", err
	}
	var spec struct {
		Selector  metav1.LabelSelector `json:"selector"`
		Endpoints []map[string]any     `json:"endpoints"`
	}
	raw, _ := json.Marshal(map[string]any{"selector": envelope.Spec["selector"], "endpoints": envelope.Spec["endpoints"]})
	if err := strict(raw, &spec); err != nil {
		return "", fmt.Errorf("spec: %v", err)
	}
	if err := selector("spec.selector", &spec.Selector); err != nil {
		return "", err
	}
	if len(spec.Endpoints) == 0 {
		return "", errors.New("spec.endpoints: a ServiceMonitor needs at least one endpoint")
	}
	return fmt.Sprintf("ServiceMonitor %s (endpoint fields not checked: its type is not in k8s.io/api)", envelope.Metadata.Name), nil
}

func objectMeta(m metav1.ObjectMeta) error {
	if m.Name == "" {
		return errors.New("metadata.name is empty")
	}
	if errs := validation.IsDNS1123Subdomain(m.Name); len(errs) > 0 {
		return fmt.Errorf("metadata.name %q: %s", m.Name, errs[0])
	}
	return labelSet("metadata.labels", m.Labels)
}

func labelSet(path string, set map[string]string) error {
	for k, v := range set {
		if errs := validation.IsQualifiedName(k); len(errs) > 0 {
			return fmt.Errorf("%s key %q: %s", path, k, errs[0])
		}
		if errs := validation.IsValidLabelValue(v); len(errs) > 0 {
			return fmt.Errorf("%s[%s] %q: %s", path, k, v, errs[0])
		}
	}
	return nil
}

func selector(path string, s *metav1.LabelSelector) error {
	if s == nil || (len(s.MatchLabels) == 0 && len(s.MatchExpressions) == 0) {
		return fmt.Errorf("%s selects nothing", path)
	}
	if _, err := metav1.LabelSelectorAsSelector(s); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return labelSet(path+".matchLabels", s.MatchLabels)
}

func service(o *corev1.Service) error {
	if err := objectMeta(o.ObjectMeta); err != nil {
		return err
	}
	// Service names become DNS labels and service-link variable names.
	if errs := validation.IsDNS1035Label(o.Name); len(errs) > 0 {
		return fmt.Errorf("metadata.name %q: %s", o.Name, errs[0])
	}
	if len(o.Spec.Ports) == 0 {
		return errors.New("spec.ports is empty")
	}
	for i, p := range o.Spec.Ports {
		if p.Name != "" {
			if errs := validation.IsValidPortName(p.Name); len(errs) > 0 {
				return fmt.Errorf("spec.ports[%d].name %q: %s", i, p.Name, errs[0])
			}
		}
	}
	return labelSet("spec.selector", o.Spec.Selector)
}

func deployment(o *appsv1.Deployment) error {
	if err := objectMeta(o.ObjectMeta); err != nil {
		return err
	}
	if err := selector("spec.selector", o.Spec.Selector); err != nil {
		return err
	}
	sel, _ := metav1.LabelSelectorAsSelector(o.Spec.Selector)
	if !sel.Matches(labels.Set(o.Spec.Template.Labels)) {
		return errors.New("spec.selector does not match spec.template.metadata.labels")
	}
	return podSpec("spec.template.spec", &o.Spec.Template.Spec)
}

// podSpec checks names that must agree within the pod: volumes the containers mount, ports the
// probes name, and environment variable names.
func podSpec(path string, p *corev1.PodSpec) error {
	volumes := map[string]bool{}
	for _, v := range p.Volumes {
		if errs := validation.IsDNS1123Label(v.Name); len(errs) > 0 {
			return fmt.Errorf("%s.volumes name %q: %s", path, v.Name, errs[0])
		}
		volumes[v.Name] = true
	}
	groups := []struct {
		name       string
		containers []corev1.Container
	}{{"initContainers", p.InitContainers}, {"containers", p.Containers}}
	for _, g := range groups {
		for i, c := range g.containers {
			at := fmt.Sprintf("%s.%s[%d]", path, g.name, i)
			if err := container(at, &c, volumes); err != nil {
				return err
			}
		}
	}
	return nil
}

func container(at string, c *corev1.Container, volumes map[string]bool) error {
	if errs := validation.IsDNS1123Label(c.Name); len(errs) > 0 {
		return fmt.Errorf("%s.name %q: %s", at, c.Name, errs[0])
	}
	if c.Image == "" {
		return fmt.Errorf("%s.image is empty", at)
	}
	for _, m := range c.VolumeMounts {
		if !volumes[m.Name] {
			return fmt.Errorf("%s.volumeMounts: %q is not a volume of the pod", at, m.Name)
		}
	}
	for _, e := range c.Env {
		if errs := validation.IsEnvVarName(e.Name); len(errs) > 0 {
			return fmt.Errorf("%s.env %q: %s", at, e.Name, strings.Join(errs, "; "))
		}
	}
	ports := map[string]bool{}
	for _, p := range c.Ports {
		if p.Name != "" {
			if errs := validation.IsValidPortName(p.Name); len(errs) > 0 {
				return fmt.Errorf("%s.ports name %q: %s", at, p.Name, errs[0])
			}
			ports[p.Name] = true
		}
	}
	probes := map[string]*corev1.Probe{"startupProbe": c.StartupProbe, "livenessProbe": c.LivenessProbe, "readinessProbe": c.ReadinessProbe}
	for name, probe := range probes {
		if probe == nil || probe.HTTPGet == nil {
			continue
		}
		if port := probe.HTTPGet.Port; port.StrVal != "" && !ports[port.StrVal] {
			return fmt.Errorf("%s.%s.httpGet.port %q is not a named port of the container", at, name, port.StrVal)
		}
	}
	return nil
}
