// data.json read back (report/detail/error_report_json.hpp): `report --merge` assembles
// the shards' fragments into one document and renders the page from it, so the merged
// report and the unsharded one go through the same code.
#include <cmath>
#include <stdexcept>

#include "report/detail/error_report_json.hpp"

namespace loopcert::report {

namespace detail {

const Json& at(const Json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) throw std::invalid_argument(std::string("data.json: missing key '") + key + "'");
  return j[key];
}

double number_from(const Json& j) { return j.is_null() ? INFINITY : j.get<double>(); }

namespace {
std::string text_or_empty(const Json& j) { return j.is_null() ? std::string() : j.get<std::string>(); }
template <class T>
std::vector<T> list_of(const Json& j, const char* key) {
  return at(j, key).get<std::vector<T>>();
}
}  // namespace

ScalarVerdict verdict_from(const Json& j) {
  ScalarVerdict v;
  v.scalar = at(j, "scalar").get<std::string>();
  v.engine = at(j, "engine").get<std::string>();
  v.agree = at(j, "agree").get<bool>();
  v.halted = at(j, "halted").get<bool>();
  v.loops = at(j, "loops").get<std::int64_t>();
  v.steps = at(j, "steps").get<std::int64_t>();
  v.divergence = text_or_empty(at(j, "divergence"));
  v.certified = at(j, "certified").get<bool>();
  v.certified_exact = at(j, "certified_exact").get<bool>();
  v.needs_bits = at(j, "needs_bits").is_null() ? -1 : at(j, "needs_bits").get<int>();
  v.max_drift = number_from(at(j, "max_drift"));
  for (const auto& d : at(j, "drift")) v.drift.push_back(number_from(d));
  v.seconds = at(j, "seconds").get<double>();
  return v;
}

ProgramReport program_from(const Json& j) {
  ProgramReport p;
  p.name = at(j, "name").get<std::string>();
  p.bits = at(j, "bits").get<int>();
  p.columns = at(j, "columns").get<int>();
  p.layers = at(j, "layers").get<int>();
  p.heads = at(j, "heads").get<int>();
  p.commands = at(j, "commands").get<int>();
  p.steps = at(j, "steps").get<std::int64_t>();
  p.default_lambda = at(j, "default_lambda").get<double>();
  for (const auto& v : at(j, "scalars")) p.scalars.push_back(verdict_from(v));
  for (const auto& b : at(j, "layer_peaks"))
    p.layer_peaks.push_back({at(b, "layer").get<std::string>(), number_from(at(b, "error")), at(b, "loop").get<std::int64_t>(),
                             at(b, "row").get<std::string>()});
  if (!at(j, "lambda_min").is_null()) p.lambda_min = at(j, "lambda_min").get<double>();
  p.lambda_predicted = number_from(at(j, "lambda_predicted"));
  if (!at(j, "bits_min").is_null()) p.bits_min = at(j, "bits_min").get<long>();
  p.bits_predicted = at(j, "bits_predicted").is_null() ? -1 : at(j, "bits_predicted").get<int>();
  return p;
}

PhaseDiagram phase_from(const Json& j) {
  PhaseDiagram d;
  d.program = at(j, "program").get<std::string>();
  d.lambdas = list_of<double>(j, "lambdas");
  d.bits = list_of<long>(j, "bits");
  d.agree = at(j, "agree").get<std::vector<std::vector<int>>>();
  d.predicted_bits = list_of<int>(j, "predicted_bits");
  return d;
}

AttentionMap attention_from(const Json& j) {
  AttentionMap a;
  a.program = at(j, "program").get<std::string>();
  a.loop = at(j, "loop").get<std::int64_t>();
  a.layer = at(j, "layer").get<std::string>();
  a.head = at(j, "head").get<std::string>();
  a.columns = list_of<std::string>(j, "columns");
  a.weights = at(j, "weights").get<std::vector<std::vector<double>>>();
  return a;
}

LemmaRow lemma_from(const Json& j) {
  LemmaRow r;
  r.lemma = at(j, "lemma").get<std::string>();
  r.scalar = at(j, "scalar").get<std::string>();
  r.bound_function = at(j, "bound_function").get<std::string>();
  r.trials = at(j, "trials").get<int>();
  const Json& random = at(j, "random");
  r.random_observed = number_from(at(random, "max_observed"));
  r.random_bound = number_from(at(random, "bound_at_max"));
  r.random_ratio = number_from(at(random, "max_ratio"));
  const Json& worst = at(j, "worst_case");
  r.worst_observed = number_from(at(worst, "max_observed"));
  r.worst_bound = number_from(at(worst, "bound_at_max"));
  r.worst_ratio = number_from(at(worst, "max_ratio"));
  r.violations = at(j, "violations").get<int>();
  r.unavailable = text_or_empty(at(j, "unavailable"));
  return r;
}

SigmoidSection sigmoid_from(const Json& j) {
  SigmoidSection s;
  s.target = at(j, "target").get<std::string>();
  s.range = at(j, "range").get<std::string>();
  s.scalar = at(j, "scalar").get<std::string>();
  s.terms = at(j, "terms").get<int>();
  s.x = list_of<double>(j, "x");
  s.target_values = list_of<double>(j, "target_values");
  for (const auto& c : at(j, "curves")) {
    SigmoidCurve k;
    k.construction = at(c, "construction").get<std::string>();
    k.width = at(c, "width").get<std::string>();
    k.max_error = number_from(at(c, "max_error"));
    k.points = at(c, "points").get<int>();
    k.bound = number_from(at(c, "bound"));
    k.bound_approximation = number_from(at(c, "bound_approximation"));
    k.bound_rounding = number_from(at(c, "bound_rounding"));
    k.certified = at(c, "certified").get<bool>();
    k.holds = at(c, "holds").get<bool>();
    for (const auto& a : at(c, "approximation")) k.approximation.push_back(number_from(a));
    for (const auto& e : at(c, "error")) k.error.push_back(number_from(e));
    s.curves.push_back(std::move(k));
  }
  return s;
}

}  // namespace detail

ErrorReport from_json(const Json& j) {
  using namespace detail;
  if (at(j, "schema") != "loopcert-report/1") throw std::invalid_argument("data.json: schema is not loopcert-report/1");
  ErrorReport r;
  r.generated = at(j, "generated").get<std::string>();
  r.quick = at(j, "quick").get<bool>();
  r.scalars = list_of<std::string>(j, "scalars");
  r.seconds = at(j, "seconds").get<double>();
  for (const auto& p : at(j, "programs")) r.programs.push_back(program_from(p));
  if (!at(j, "phase").is_null()) r.phase = phase_from(at(j, "phase"));
  for (const auto& a : at(j, "attention")) r.attention.push_back(attention_from(a));
  for (const auto& l : at(j, "lemmas")) r.lemmas.push_back(lemma_from(l));
  if (!at(j, "sigmoid").is_null()) r.sigmoid = sigmoid_from(at(j, "sigmoid"));
  for (const auto& d : at(j, "disagreements"))
    r.disagreements.push_back({at(d, "topic").get<std::string>(), at(d, "paper").get<std::string>(), at(d, "loopcert").get<std::string>(),
                               at(d, "evidence").get<std::string>()});
  return r;
}

}  // namespace loopcert::report
