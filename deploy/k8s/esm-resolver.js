// kubernetes-models, @kubernetes-models/* and is-cidr (their validators' dependency) ship ES
// modules only, exported under the "import" condition. Resolve those packages with it; jest's
// transform then compiles them to CommonJS like the tests. Every other package resolves as usual.
const ESM_ONLY = /^(kubernetes-models|@kubernetes-models\/|is-cidr|cidr-regex|ip-regex)/;

module.exports = (request, options) =>
  options.defaultResolver(
    request,
    ESM_ONLY.test(request) ? { ...options, conditions: ['import', 'default'] } : options,
  );
