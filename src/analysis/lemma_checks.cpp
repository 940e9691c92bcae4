// First: core/scalar_dispatch.hpp (it includes core/emulated_float.hpp, which must
// precede core/rational.hpp, see core/scalar.hpp).
#include "core/scalar_dispatch.hpp"
// Then the rest.
#include "analysis/lemma_checks.hpp"

#include <algorithm>
#include <stdexcept>

#include "analysis/lemma_checks/lemma_check.hpp"
#include "bounds/format_range.hpp"
#include "core/scalar_facts.hpp"

namespace loopcert::analysis {

// The evaluate<T> instantiations live in lemma_checks_<family>.cpp.
namespace lemma_checks {
#define LOOPCERT_EXTERN(T) extern template LemmaTrial evaluate<T>(const Case&, AttentionMode);
LOOPCERT_EXTERN(float)
LOOPCERT_EXTERN(double)
LOOPCERT_EXTERN(long double)
LOOPCERT_EXTERN(MpfrReal)
LOOPCERT_EXTERN(NarrowMpfr)
LOOPCERT_EXTERN(NarrowMpfrLD)
LOOPCERT_EXTERN(Rational)
LOOPCERT_EXTERN(Float128)
LOOPCERT_EXTERN(bf16)
LOOPCERT_EXTERN(fp16)
LOOPCERT_EXTERN(tf32)
LOOPCERT_EXTERN(fp8e4m3)
LOOPCERT_EXTERN(fp8e5m2)
#undef LOOPCERT_EXTERN
}  // namespace lemma_checks

namespace {
const lemma_checks::LemmaCheck* find_check(const std::string& name) {
  for (const auto* c : lemma_checks::registry())
    if (name == c->name) return c;
  return nullptr;
}
// The largest |entry| of the block's input, rounded up (the M of the range hypothesis).
double largest_entry(const Matrix<Rational>& X) {
  double M = 0;
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    for (Eigen::Index j = 0; j < X.cols(); ++j) M = std::max(M, bounds::abs_up(X(i, j)));
  return M;
}
std::string lemma_list() {
  std::string list;
  for (const auto* c : lemma_checks::registry()) list += (list.empty() ? "" : ", ") + std::string(c->name);
  return list;
}
}  // namespace

const std::vector<std::string>& lemma_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto* c : lemma_checks::registry()) v.emplace_back(c->name);
    return v;
  }();
  return names;
}

bool is_lemma(const std::string& name) { return find_check(name) != nullptr; }

LemmaTrial run_lemma_trial(const std::string& lemma, const ScalarSpec& scalar, std::uint64_t seed, const LemmaSettings& settings) {
  const lemma_checks::LemmaCheck* check = find_check(lemma);
  if (!check) throw std::invalid_argument("unknown lemma '" + lemma + "' (expected one of " + lemma_list() + ")");
  const ScalarFacts& facts = scalar_facts(scalar);
  if (!facts.runnable) throw std::invalid_argument(facts.not_runnable);
  lemma_checks::Context context{settings.inputs, facts.hardmax, bounds::unit_roundoff(scalar), bounds::exp_model(scalar), settings};
  // The subtract and flag checks draw wider integers (the adder's amplification).
  const std::string name = check->name;
  lemma_checks::TrialSetup s = lemma_checks::make_setup(seed, name == "subtract" || name == "flag" ? 16 : 10);
  lemma_checks::Case c = check->make(s, context);
  c.X = s.X, c.rows = s.layout.rows(), c.n = s.n, c.L = s.L, c.N = s.N;
  const AttentionMode mode = facts.hardmax ? AttentionMode::Hardmax : AttentionMode::Softmax;
  // mpfr:P at most 63 bits first runs on the exact narrow emulations (dispatch_scalar).
  LemmaTrial t = dispatch_scalar(scalar, [&]<class T>(ScalarTag<T>) { return lemma_checks::evaluate<T>(c, mode); });
  t.lemma = name;
  t.seed = seed;
  t.inputs = settings.inputs;
  // The bound is claimed only where its range hypothesis holds at this scalar.
  const bounds::RangeCheck range = bounds::layer_range(c.layer, c.layer.lambda, largest_entry(c.X), c.n, bounds::format_limits(facts));
  if (!range.holds) {
    t.covered = false;
    t.not_covered = range.reason;
    t.bound = bounds::kInfinity;
    t.holds = true;
  }
  return t;
}

}  // namespace loopcert::analysis
