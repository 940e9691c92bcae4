// Lemma checks as data (issue 9 item 5, issue 10): each lemma is one registered file in
// this folder giving its input generators (random, and worst case: noise aligned to
// maximise the error, pointer noise at the admissible delta, lambda at the edge), the
// ideal output and the bound it is checked against, as a scalar-free `Case`. One template
// (evaluate.hpp) runs a Case at any scalar. A new lemma is a new file plus one line in
// registry.cpp.
#pragma once
#include <initializer_list>
#include <string>
#include <vector>

#include "analysis/lemma_checks.hpp"
#include "analysis/lemma_checks/setup.hpp"
#include "bounds/rounding.hpp"
#include "tf/layer_spec.hpp"
#include "tf/transformer.hpp"

namespace loopcert::analysis::lemma_checks {

// One entry of the output with its ideal value; `unchanged`: the ideal is the input entry
// as the scalar holds it (the write's other cells must be bit for bit unchanged).
struct Expected {
  int row = 0, column = 0;
  Rational value = 0;
  bool unchanged = false;
};

// A group of entries and the bound on their largest error.
struct Check {
  std::string what;             // "attention copy", "snapped copy", ...
  bool attention_only = false;  // compare after the attention sublayer only
  std::vector<Expected> entries;
  double bound = 0;             // rounded up (bounds/), exact part + rounding part
  double exact_part = 0;
};

// Everything a trial runs: the layer, its exact input, the checks. The first check is the
// lemma's headline (its observed / bound is reported unless another check is violated).
struct Case {
  LayerSpec layer;
  Matrix<Rational> X;
  int rows = 0;
  std::vector<Check> checks;
  std::string bound_function, detail;
  int n = 0, L = 0, N = 0;
  double lambda = 0, delta = 0;
};

// What a generator may depend on besides its random source.
struct Context {
  Inputs inputs = Inputs::Random;
  bool hardmax = false;  // exact scalar: hardmax attention
  double u = 0;          // unit roundoff of the scalar
  bounds::ExpModel exp;  // the engine's exp at the scalar
  LemmaSettings settings;
};

struct LemmaCheck {
  const char* name;
  const char* bound_function;
  Case (*make)(TrialSetup& s, const Context& c);
};

// Runs a Case at scalar T (evaluate.hpp; instantiated per family in lemma_checks_<family>.cpp).
template <class T>
LemmaTrial evaluate(const Case& c, AttentionMode mode);

// Every registered lemma check, in the order `loopcert verify` prints them.
const std::vector<const LemmaCheck*>& registry();

// The registered lemmas (one per file of this folder).
extern const LemmaCheck read_check, write_check, increment_check, subtract_check, flag_check, branch_check, correct_check;
extern const LemmaCheck fleq_read_check, fleq_write_check, fleq_product_check, fleq_matmul_check, fleq_transpose_check,
    fleq_elementwise_check, fleq_int_snap_check, fleq_flag_check;

}  // namespace loopcert::analysis::lemma_checks

namespace loopcert::analysis::lemma_checks {

// The entries of `block` at `column` with ideal values `bits`.
inline void expect_bits(std::vector<Expected>& out, const Layout& layout, const std::string& block, int column, const std::vector<int>& bits) {
  const RowBlock& b = layout.block(block);
  for (int k = 0; k < b.size; ++k) out.push_back({b.row(k), column, Rational(bits[k]), false});
}
// The entries of `block` on every column but `skip` (-1: every column): 0, or unchanged.
inline void expect_elsewhere(std::vector<Expected>& out, const Layout& layout, const std::string& block, int skip, bool unchanged) {
  const RowBlock& b = layout.block(block);
  for (int k = 0; k < b.size; ++k)
    for (int j = 0; j < layout.columns(); ++j)
      if (j != skip) out.push_back({b.row(k), j, Rational(0), unchanged});
}
// The deliberately broken construction of the negative checks (the first W2 entry doubled).
inline void sabotage(LayerSpec& spec, Sabotage how) {
  if (how == Sabotage::DoubleFirstOutputWeight && !spec.ffn.w2.entries.empty()) spec.ffn.w2.entries.front().value *= 2;
}
// The claimed temperature is `lambda`; the LowTemperature sabotage builds the block at 1/2.
inline void use_lambda(TrialSetup& s, const Context& c, const Rational& lambda) {
  s.set_lambda(c.settings.sabotage == Sabotage::LowTemperature ? Rational(1, 2) : lambda);
}
// The rows of the named blocks, in order.
inline std::vector<int> rows_of(const Layout& layout, std::initializer_list<const char*> blocks) {
  std::vector<int> out;
  for (const char* name : blocks)
    for (int i = 0; i < layout.block(name).size; ++i) out.push_back(layout.block(name).row(i));
  return out;
}
inline std::vector<int> rows_of(const Layout& layout, const char* block) { return rows_of(layout, {block}); }
// A random sign, as a Rational +-1.
inline Rational random_side(TrialSetup& s) { return Rational(s.uniform(0, 1) ? 1 : -1); }

}  // namespace loopcert::analysis::lemma_checks
