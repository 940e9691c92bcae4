#include "cert/loop_certificate.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "bounds/common.hpp"
#include "cert/detail/loop_witness.hpp"
#include "cert/rounding_model.hpp"
#include "compile/encoding.hpp"
#include "core/interval_scalar.hpp"
#include "tf/transformer.hpp"

namespace loopcert::cert {

namespace {

// Column classes: every column of a class gets the same ReLU sublayer input balls.
enum Cls { kWork, kIdle, kMem, kAddressed, kCmd, kClasses };
const char* const kClassName[kClasses] = {"the work column", "idle scratch columns", "memory columns",
                                          "the memory column the write addresses", "command columns"};
using State = std::array<ColumnBall, kClasses>;

struct Setup {
  const isa::SubleqProgram& program;
  const Layout& layout;
  const LoopSpec& loop;
  Matrix<Rational> encoding;
  RoundingModel model;
  FfnRounding rounding;
  Rational lambda;
  std::array<bool, kClasses> present{};
  const LoopOptions& options;
};

int class_of(const Layout& layout, int column) {
  if (column == layout.scratch().begin) return kWork;
  if (layout.scratch().contains(column)) return kIdle;
  if (layout.memory().contains(column)) return kMem;
  return kCmd;
}

EntryBall bits(double radius) { return {{-1.0, 1.0}, radius}; }

bool in_block(const RowBlock& b, int row) { return row >= b.offset && row < b.end(); }

// S(rho_m, rho_p) per class (see the header).
State invariant(const Setup& s, double rho_m, double rho_p) {
  State st;
  const int reps[kClasses] = {s.layout.scratch().begin, s.layout.scratch().begin + 1, s.layout.memory().begin, s.layout.memory().begin,
                              s.layout.commands().begin};
  for (int c = 0; c < kClasses; ++c) {
    st[c].assign(s.layout.rows(), EntryBall{});
    if (!s.present[c]) continue;
    for (int r = 0; r < s.layout.rows(); ++r) st[c][r] = EntryBall{{to_double(s.encoding(r, reps[c]))}, 0};
  }
  auto set = [&](int c, const std::string& block, const EntryBall& b) {
    const RowBlock& rows = s.layout.block(block);
    for (int k = 0; k < rows.size; ++k) st[c][rows.row(k)] = b;
  };
  for (const char* block : {"cmd_a", "cmd_b", "cmd_c", "pos"}) set(kCmd, block, bits(0));  // any command table
  set(kMem, "pos", bits(0)), set(kAddressed, "pos", bits(0));
  set(kMem, "mem", bits(rho_m)), set(kAddressed, "mem", bits(rho_m));
  set(kWork, "pc", bits(rho_p));
  return st;
}

IntervalScalar box(const EntryBall& b) {
  const auto [lo, hi] = std::minmax_element(b.centers.begin(), b.centers.end());
  return IntervalScalar(Rational(*lo) - Rational(b.radius), Rational(*hi) + Rational(b.radius));
}

// The punchcard's boxes: the rows that differ between columns of a class (positions,
// indicators) exact from the encoding, every other row its class's ball.
Matrix<IntervalScalar> boxes(const Setup& s, const State& st) {
  Matrix<IntervalScalar> X(s.layout.rows(), s.layout.columns());
  const RowBlock& pos = s.layout.block("pos");
  const int is_work = s.layout.row("is_work"), is_mem = s.layout.row("is_mem");
  for (int j = 0; j < s.layout.columns(); ++j) {
    const int c = class_of(s.layout, j);
    for (int r = 0; r < s.layout.rows(); ++r) {
      const bool exact = in_block(pos, r) || r == is_work || r == is_mem;
      X(r, j) = exact ? IntervalScalar(s.encoding(r, j), s.encoding(r, j)) : box(st[c][r]);
    }
  }
  return X;
}

void set_pointer(Matrix<IntervalScalar>& X, const Setup& s, const State& st, const std::string& pointer, int target) {
  const RowBlock& ptr = s.layout.block(pointer);
  const std::vector<int> code = compile::position_code(target, s.layout.address_bits());
  const int w = s.layout.scratch().begin;
  for (int k = 0; k < ptr.size; ++k) {
    const Rational rho(st[kWork][ptr.row(k)].radius);
    X(ptr.row(k), w) = IntervalScalar(Rational(code[k]) - rho, Rational(code[k]) + rho);
  }
}

// Distance of a box from `ideal`, rounded up (+inf when not finite).
double distance(const IntervalScalar& y, double ideal) {
  if (!y.is_finite()) return bounds::kInfinity;
  return std::max(bounds::add_up(y.upper(), -ideal), bounds::add_up(ideal, -y.lower()));
}

void widen(EntryBall& b, std::vector<double> centers, double radius) {
  b.centers = std::move(centers);
  b.radius = std::max(b.radius, radius);
}

LoopedTransformer<IntervalScalar> attention_of(const Setup& s, const LayerSpec& layer) {
  LayerSpec a = layer;
  a.ffn = FfnSpec{};
  return LoopedTransformer<IntervalScalar>({instantiate_layer<IntervalScalar>(a, s.lambda)}, s.layout.rows(), AttentionMode::Softmax);
}

struct ReadHead {
  std::string pointer;
  std::vector<std::pair<std::string, std::string>> copies;
};

// The read heads of a layer, one case per addressed column: the copies' balls.
long attend_reads(const Setup& s, const LayerSpec& layer, State& st, const std::vector<ReadHead>& heads, const std::vector<int>& targets) {
  LoopedTransformer<IntervalScalar> tf = attention_of(s, layer);
  State out = st;
  for (const auto& h : heads)
    for (const auto& [src, dst] : h.copies)
      for (int c = 0; c < kClasses; ++c)
        for (int k = 0; k < s.layout.block(dst).size; ++k) out[c][s.layout.row(dst, k)] = EntryBall{{0.0}, 0};
  const Matrix<IntervalScalar> base = boxes(s, st);
  for (int t : targets) {
    Matrix<IntervalScalar> X = base;
    for (const auto& h : heads) {
      set_pointer(X, s, st, h.pointer, t);
      for (const auto& [src, dst] : h.copies)
        for (int k = 0; k < s.layout.block(src).size; ++k) {
          const int r = s.layout.row(src, k);
          const Rational rho(st[class_of(s.layout, t)][r].radius);
          X(r, t) = IntervalScalar(1 - rho, 1 + rho);  // the target's bits +1: negating a bit negates its copy
        }
    }
    tf.apply_layer(0, X);
    for (const auto& h : heads)
      for (const auto& [src, dst] : h.copies)
        for (int k = 0; k < s.layout.block(dst).size; ++k) {
          const int r = s.layout.row(dst, k);
          for (int j = 0; j < s.layout.columns(); ++j) {
            const int c = class_of(s.layout, j);
            if (c == kWork) widen(out[c][r], {-1.0, 1.0}, distance(X(r, j), 1));
            else widen(out[c][r], {0.0}, distance(X(r, j), 0));  // garbage: cleared by the ReLU sublayer
          }
          out[kAddressed][r] = out[kMem][r];
        }
  }
  st = out;
  return static_cast<long>(targets.size());
}

// The write head, one case per addressed memory column: buffer and hit balls.
long attend_write(const Setup& s, const LayerSpec& layer, State& st) {
  LoopedTransformer<IntervalScalar> tf = attention_of(s, layer);
  State out = st;
  const RowBlock& buf = s.layout.block("wbuf");
  const int hit = s.layout.row("whit"), w = s.layout.scratch().begin;
  const RowBlock& diff = s.layout.block("diff");
  const Matrix<IntervalScalar> base = boxes(s, st);
  for (int t = s.layout.memory().begin; t < s.layout.memory().end; ++t) {
    Matrix<IntervalScalar> X = base;
    set_pointer(X, s, st, "ins_b", t);
    for (int k = 0; k < diff.size; ++k) {
      const Rational rho(st[kWork][diff.row(k)].radius);
      X(diff.row(k), w) = IntervalScalar(1 - rho, 1 + rho);
    }
    tf.apply_layer(0, X);
    for (int j = 0; j < s.layout.columns(); ++j) {
      const int c = j == t ? kAddressed : class_of(s.layout, j);
      for (int k = 0; k < buf.size; ++k)
        widen(out[c][buf.row(k)], c == kAddressed ? std::vector<double>{-0.5, 0.5} : std::vector<double>{0.0},
              distance(X(buf.row(k), j), c == kAddressed ? 0.5 : 0));
      widen(out[c][hit], {c == kAddressed ? 0.5 : 0.0}, distance(X(hit, j), c == kAddressed ? 0.5 : 0));
    }
  }
  st = out;
  return s.layout.memory().size();
}

void record_steps(const Setup& s, const LayerSpec& layer, const State& st, std::vector<LoopStep>& steps) {
  std::set<std::string> blocks = layer.writes;
  for (const auto& name : blocks) {
    const RowBlock& b = s.layout.block(name);
    for (int c = 0; c < kClasses; ++c) {
      if (!s.present[c]) continue;
      double radius = 0;
      bool zero = true;
      for (int k = 0; k < b.size; ++k) {
        const EntryBall& e = st[c][b.row(k)];
        radius = std::max(radius, e.radius);
        zero = zero && e.constant() && e.centers[0] == 0;
      }
      if (!zero) steps.push_back({layer.name, name, kClassName[c], radius});
    }
  }
}

struct Pass {
  State out;
  long attention_cases = 0, ffn_cases = 0;
  std::vector<LoopStep> steps;
  std::optional<std::string> failure;
  std::string widest;  // the widest undecided ReLU, for the reason
  double widest_width = 0;
};

void ffn_layer(const Setup& s, const LayerSpec& layer, Pass& p) {
  for (int c = 0; c < kClasses && !p.failure; ++c) {
    if (!s.present[c]) continue;
    FfnCertificate f = certify_ffn(layer.ffn, p.out[c], s.rounding, s.options.limits);
    p.ffn_cases += f.cases;
    if (f.failure) p.failure = fmt::format("layer '{}' at {}: {}", layer.name, kClassName[c], *f.failure);
    for (const Straddle& x : f.straddles)
      if (x.high - x.low > p.widest_width) {
        p.widest_width = x.high - x.low;
        p.widest = fmt::format("layer '{}', {} at {}: a ReLU's pre-activation spans [{:.3g}, {:.3g}]", layer.name,
                               s.layout.describe_row(x.row), kClassName[c], x.low, x.high);
      }
    p.out[c] = std::move(f.out);
  }
}

Pass one_loop(const Setup& s, const State& in) {
  Pass p;
  p.out = in;
  const std::vector<int> commands = [&] {
    std::vector<int> v;
    for (int j = s.layout.commands().begin; j < s.layout.commands().end; ++j) v.push_back(j);
    return v;
  }();
  std::vector<int> cells;
  for (int j = s.layout.memory().begin; j < s.layout.memory().end; ++j) cells.push_back(j);
  for (const LayerSpec& layer : s.loop.layers) {
    if (s.options.progress) s.options.progress("layer " + layer.name);
    if (layer.name == "fetch")
      p.attention_cases += attend_reads(s, layer, p.out, {{"pc", {{"cmd_a", "ins_a"}, {"cmd_b", "ins_b"}, {"cmd_c", "ins_c"}}}}, commands);
    else if (layer.name == "operands")
      p.attention_cases += attend_reads(s, layer, p.out, {{"ins_a", {{"mem", "val_a"}}}, {"ins_b", {{"mem", "val_b"}}}}, cells);
    else if (layer.name == "write")
      p.attention_cases += attend_write(s, layer, p.out);
    else if (layer.has_attention())
      p.failure = "layer '" + layer.name + "' has attention that the loop certificate does not know";
    if (p.failure) return p;
    ffn_layer(s, layer, p);
    if (p.failure) return p;
    if (layer.name != "write") {  // the addressed column is a memory column like the others again
      p.out[kMem] = [&] {
        ColumnBall h = p.out[kMem];
        for (std::size_t r = 0; r < h.size(); ++r) h[r] = hull(h[r], p.out[kAddressed][r]);
        return h;
      }();
      p.out[kAddressed] = p.out[kMem];
    }
    record_steps(s, layer, p.out, p.steps);
  }
  return p;
}

// The first row whose ball after the loop is not inside the invariant's; grows rho
// when only the state radii are exceeded.
std::optional<std::string> closure(const Setup& s, const State& out, const State& inv, double& rho_m, double& rho_p, bool& grow) {
  grow = true;
  std::optional<std::string> first;
  const RowBlock& mem = s.layout.block("mem");
  const RowBlock& pc = s.layout.block("pc");
  double need_m = rho_m, need_p = rho_p;
  for (int c = 0; c < kClasses; ++c) {
    if (!s.present[c]) continue;
    for (int r = 0; r < s.layout.rows(); ++r) {
      if (inside(out[c][r], inv[c][r])) continue;
      EntryBall radius_only = out[c][r];
      radius_only.radius = inv[c][r].radius;
      const bool memory = (c == kMem || c == kAddressed) && in_block(mem, r);
      const bool state = memory || (c == kWork && in_block(pc, r));
      if (!state || !inside(radius_only, inv[c][r])) grow = false;
      if (state) (memory ? need_m : need_p) = std::max(memory ? need_m : need_p, out[c][r].radius);
      if (!first)
        first = fmt::format("after one loop {} at {} is within {:.3g} of {{{}}}; the invariant allows {:.3g} of {{{}}}", s.layout.describe_row(r),
                            kClassName[c], out[c][r].radius, fmt::join(out[c][r].centers, ", "), inv[c][r].radius,
                            fmt::join(inv[c][r].centers, ", "));
    }
  }
  // Twice what one loop needs: the rounding grows with the radii themselves, so the
  // invariant closes with a margin instead of creeping up by an ulp per pass.
  rho_m = need_m > rho_m ? 2 * need_m : rho_m;
  rho_p = need_p > rho_p ? 2 * need_p : rho_p;
  return first;
}

}  // namespace

LoopCertificate certify_loop(const isa::SubleqProgram& program, const compile::CompiledSubleq& compiled, const LoopOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  const Layout& layout = compiled.layout;
  Setup s{program, layout, compiled.loop, compiled.X0, rounding_model(o.scalar), {}, compiled.params.lambda, {}, o};
  s.rounding = ffn_rounding(s.model);
  s.present = {true, layout.scratch().size() > 1, layout.memory().size() > 0, layout.memory().size() > 0, layout.commands().size() > 0};
  LoopCertificate c;
  c.scalar = o.scalar.name(), c.lambda = compiled.params.lambda.str();
  c.s = layout.scratch().size(), c.m = layout.memory().size(), c.n = layout.columns(), c.N = program.bits, c.L = layout.address_bits();
  c.sound_for = sound_for(s.model) + fmt::format(
      "; the ReLU sublayers per case of their ideal inputs (cert/ffn_certificate.hpp); for every command table, pc and {}-bit memory of "
      "the layout {},{},{},{} and any number of loops; that the exact blocks at the ideal values compute SUBLEQ's step is Theorem 1 of "
      "proofs/subleq_loop.md (exact arithmetic, not machine-checked here), for tables that satisfy its hypotheses (P): no jump or "
      "fall-through leaves the table",
      c.N, c.s, c.m, c.n, c.N);
  IntervalScope scope(s.model, o.working_precision);
  double rho_m = 0, rho_p = 0;
  for (c.passes = 1; c.passes <= o.max_passes; ++c.passes) {
    const State inv = invariant(s, rho_m, rho_p);
    Pass p = one_loop(s, inv);
    c.rho_mem = rho_m, c.rho_pc = rho_p, c.attention_cases += p.attention_cases, c.ffn_cases += p.ffn_cases, c.steps = p.steps;
    if (p.failure) {
      c.reason = *p.failure;
      break;
    }
    bool grow = false;
    const auto open = closure(s, p.out, inv, rho_m, rho_p, grow);
    if (!open) {
      c.verdict = Verdict::Certified;
      c.reason.clear();
      break;
    }
    c.reason = *open + (p.widest.empty() ? "" : "; the widest undecided ReLU: " + p.widest);
    if (!grow || rho_m > 0.25 || rho_p > 0.25) break;
  }
  c.passes = std::min(c.passes, o.max_passes);
  if (c.verdict != Verdict::Certified && o.witness_samples > 0) {
    if (o.progress) o.progress("searching a witness");
    if (auto w = detail::search_witness(program, compiled, o)) {
      c.verdict = Verdict::Refuted;
      c.witness = w->witness;
      c.witness_program = w->program;
      c.reason = "a valid state whose loop decodes wrong: " + w->witness.got;
    }
  }
  c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return c;
}

}  // namespace loopcert::cert
