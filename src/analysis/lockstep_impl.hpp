// Template part of analysis/lockstep.hpp, instantiated per scalar family
// (lockstep_builtin.cpp, lockstep_mpfr.cpp, lockstep_exact.cpp, lockstep_float128.cpp,
// lockstep_emulated.cpp, lockstep_narrow.cpp).
//
// The ideal reference
// -------------------
// The per-layer errors compare X after every layer with the *ideal* intermediate
// punchcard I: the construction evaluated exactly, with hardmax attention (lambda =
// infinity), from the same X0. Running instantiate<Rational> for it would cost a
// rational transformer next to every run (tens of times the run itself). Instead I is
// computed by the same LoopSpec at *double* with hardmax attention, which is exact for a
// target that says so (LoopTarget::hardmax_reference). For SUBLEQ: every weight and bias
// is a dyadic rational of at most N + 1 <= 53 significant bits (proofs/README.md, "What
// is exact in binary floating point"), the state is +-1/0, so every score is a small
// integer, every hardmax weight is 1 or 1/2 (the write's tie), every hidden unit a
// multiple of 1/2 below 2^(N+1) and every output an integer below 2^(N+2): all
// representable in double, so no operation rounds and the double run *is* the rational
// run. The run checks it as it goes: I must equal enc(state) after every loop
// (RunResult::reference_exact), and tests/test_precision_analysis.cpp compares it entry
// by entry with instantiate<Rational> on the examples.
#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "analysis/detail/exact_value.hpp"
#include "analysis/detail/lockstep_parts.hpp"
#include "analysis/lockstep.hpp"

namespace loopcert::analysis {

namespace detail {

template <class T>
class LockstepRun {
 public:
  LockstepRun(const compile::LoopTarget& target, const RunOptions& options)
      : c_(*target.compiled), o_(options), machine_(target.machine()),
        tf_(instantiate<T>(c_.loop, std::is_same_v<T, Rational> ? AttentionMode::Hardmax : AttentionMode::Softmax, options.lambda)),
        X_(to_scalar<T>(c_.X0)) {
    // The rows each layer writes: the tracking, the decomposition and the non-finite scan.
    written_ = written_rows(c_.loop);
    tf_.set_threads(options.threads);
    if (options.track_layers && target.hardmax_reference) tracker_.emplace(c_, written_);
    if (options.decompose) decomposer_ = std::make_unique<Decomposer>(c_, options.lambda, written_);
  }

  RunResult run() {
    const auto started = std::chrono::steady_clock::now();
    describe();
    read_exact();
    bool past_halt = false;  // the extra loop after the halt has run
    while (true) {
      if (machine_->halted()) {
        if (past_halt) break;
        past_halt = true;
      } else if (r_.steps >= o_.max_steps) {
        break;
      }
      if (!one_loop()) break;
      if (o_.progress && r_.loops % 1000 == 0) o_.progress(r_.loops, o_.max_steps);
    }
    finish();
    r_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return std::move(r_);
  }

 private:
  void describe();
  bool one_loop();              // false: stop (divergence)
  bool apply_layers();          // false: a non-finite value (recorded)
  void after_step(double drift_now);
  bool compare();               // false: divergence (recorded)
  void trace(double drift_now, double margin);
  void read_exact();            // MachineAdapter::read_exact, for a machine that wants it
  void finish();

  const compile::CompiledLoop& c_;
  const RunOptions& o_;
  std::unique_ptr<compile::MachineAdapter> machine_;
  LoopedTransformer<T> tf_;
  Matrix<T> X_;
  std::vector<std::vector<int>> written_;
  bool checked_whole_ = false;  // X has been checked whole for non-finite entries
  std::optional<LayerTracker> tracker_;
  std::unique_ptr<Decomposer> decomposer_;
  std::vector<compile::StateEntry> entries_;
  std::optional<compile::Instruction> instruction_;
  RunResult r_;
};

template <class T>
void LockstepRun<T>::describe() {
  r_.scalar = o_.scalar.name();
  r_.lambda = o_.lambda.str();
  r_.lambda_value = to_double(o_.lambda);
  r_.layers = static_cast<int>(c_.loop.layers.size());
  r_.heads = c_.loop.head_count();
  r_.max_heads_per_layer = c_.loop.max_heads_per_layer();
  r_.rows = c_.layout.rows();
  r_.columns = c_.layout.columns();
  r_.hidden_units = c_.loop.hidden_units();
  if (tracker_) {
    r_.layers_tracked = true;
    for (const auto& l : c_.loop.layers) r_.layer_names.push_back(l.name);
  }
}

template <class T>
bool LockstepRun<T>::apply_layers() {
  if (tracker_) tracker_->start_loop();
  for (int l = 0; l < tf_.layer_count(); ++l) {
    tf_.apply_layer(l, X_);
    const bool known_finite = tracker_ && tracker_->after_layer(l, X_);
    if (decomposer_) decomposer_->after_layer(l, X_, tracker_ ? &tracker_->ideal() : nullptr);
    // X whole after the first layer; then only the rows the layer wrote can have changed
    // (none is non-finite if the tracking found every error there finite).
    const auto bad = !checked_whole_ ? LoopedTransformer<T>::find_non_finite(X_)
                     : known_finite  ? std::nullopt
                                     : find_non_finite_in(X_, written_[l]);
    checked_whole_ = true;
    if (bad) {
      const std::string row = c_.layout.describe_row(bad->row);
      Divergence d{r_.loops + 1, "non-finite", "finite", std::to_string(bad->value),
                   "layer " + tf_.layer(l).name + ", row " + row + ", column " + c_.layout.describe_column(bad->column), tf_.layer(l).name, row};
      r_.agree = false;
      r_.first_divergence = d;
      if (tracker_) {
        tracker_->set_non_finite(l, bad->row, bad->column);
        r_.divergence_layers.assign(tracker_->errors().begin(), tracker_->errors().begin() + l + 1);
      }
      return false;
    }
  }
  return true;
}

template <class T>
bool LockstepRun<T>::one_loop() {
  if (o_.trace) instruction_ = machine_->next_instruction();
  const bool finite = apply_layers();
  ++r_.loops;
  if (tracker_) tracker_->end_loop(r_.loops);
  if (!finite) {
    trace(INFINITY, -INFINITY);
    r_.final_drift = INFINITY;  // max_drift keeps the largest finite drift before it
    return false;
  }
  if (!machine_->halted()) {
    machine_->step();
    ++r_.steps;
  }
  read_exact();
  entries_.clear();
  machine_->expected(entries_);
  const double d = drift(X_, entries_);
  after_step(d);
  trace(d, o_.tolerance - d);
  if (decomposer_) decomposer_->after_loop(r_.loops, X_, entries_, *machine_, o_.tolerance);
  return compare();
}

template <class T>
void LockstepRun<T>::after_step(double d) {
  r_.final_drift = d;
  if (d > r_.max_drift || r_.max_drift_loop == 0) {
    r_.max_drift = d;
    r_.max_drift_loop = r_.loops;
    if (tracker_) r_.max_drift_layer = r_.layer_names[tracker_->worst_layer()];
  }
  if (tracker_ && r_.reference_exact && drift(tracker_->ideal(), entries_) != 0) r_.reference_exact = false;
}

template <class T>
void LockstepRun<T>::trace(double d, double margin) {
  if (!o_.trace || !instruction_) return;
  TraceRow row{r_.loops, instruction_, d, margin, tracker_ ? tracker_->errors() : std::vector<LayerError>{}};
  if (o_.on_trace) o_.on_trace(row, r_.layer_names);
  else r_.trace.push_back(std::move(row));
}

template <class T>
void LockstepRun<T>::read_exact() {
  if (machine_->wants_exact_reads()) machine_->read_exact([this](int row, int column) { return exact_value(X_(row, column)); });
}

template <class T>
bool LockstepRun<T>::compare() {
  std::optional<compile::Mismatch> m;
  if constexpr (std::is_same_v<T, double>) m = machine_->compare(X_, o_.tolerance, true);  // no copy
  else m = machine_->compare(to_double_matrix(X_), o_.tolerance, true);
  if (!m) return true;
  Divergence d{r_.loops, m->field, m->expected, m->actual, m->detail, "", ""};
  if (tracker_) {
    // Which layer broke: the first whose error exceeds the tolerance, else the largest.
    const int at = tracker_->first_above(o_.tolerance);
    d.layer = r_.layer_names[at];
    r_.divergence_layers = tracker_->errors();
    if (tracker_->errors()[at].row >= 0) d.quantity = c_.layout.describe_row(tracker_->errors()[at].row);
  }
  r_.agree = false;
  r_.first_divergence = d;
  return false;
}

template <class T>
void LockstepRun<T>::finish() {
  r_.memory = machine_->memory();
  r_.halted = machine_->halted();
  if (tracker_) {
    r_.layer_peaks = tracker_->peaks(c_.loop, c_.layout);
    for (const auto& p : r_.layer_peaks)
      if (p.error > r_.peak.error || r_.peak.index < 0) r_.peak = p;
  }
  if (decomposer_) r_.parts = decomposer_->parts();
}

}  // namespace detail

template <class T>
RunResult run_lockstep_t(const compile::LoopTarget& target, const RunOptions& options) {
  detail::LockstepRun<T> run(target, options);
  return run.run();
}

}  // namespace loopcert::analysis
