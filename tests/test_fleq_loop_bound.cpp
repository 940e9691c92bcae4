// The FLEQ loop theorem (proofs/fleq_loop.md, bounds/fleq_loop.hpp) against the
// transformer, loop by loop: before every loop the transformer's own state is read off
// the punchcard exactly (pc, and every cell's entries as the scalar holds them); the exact
// machine steps from that state; after the loop the destination cell's entries must be
// within fleq_instruction_bound of the machine's, every other cell bit for bit unchanged,
// pc and every .int cell equal, and the theorem's hypotheses hold (the controller's
// conditions, stored entries within the declared bounds, the gated-off product families
// within the select gate). The elementwise functions' bound takes the certified fit
// errors E_w (cert::certify on the widened range); a program with functions runs at most
// kFunctionLoops loops unless LOOPCERT_FLEQ_LONG is set. Negative checks: a bound scaled
// down by 2^-40, a matmul head whose values are 2^-20 too large, and a function fit whose
// certified error is taken 2^-8 too small, must be caught.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "analysis/fleq_loop_constants.hpp"
#include "bounds/common.hpp"
#include "bounds/fleq_loop.hpp"
#include "cert/sigmoid_certificate.hpp"
#include "compile/fleq/compiler.hpp"
#include "compile/fleq/functions.hpp"
#include "core/mpfr_rational.hpp"
#include "core/mpfr_real.hpp"
#include "isa/fleq/assembler.hpp"
#include "isa/fleq/machine.hpp"
#include "tf/transformer.hpp"

using namespace loopcert;
namespace fs = std::filesystem;
namespace cf = loopcert::compile::fleq;
namespace fq = loopcert::isa::fleq;

namespace {

const std::string kExamples = std::string(LOOPCERT_SOURCE_DIR) + "/examples/fleq/";

Rational exact_value(double x) { return Rational(x); }
Rational exact_value(const MpfrReal& x) { return exact_rational(x.raw()); }
double up(const Rational& x) {
  const double v = std::abs(to_double(x));
  return v == 0 ? 0 : std::nextafter(v, INFINITY);
}

template <class T>
Matrix<double> as_double(const Matrix<T>& X) {
  Matrix<double> D(X.rows(), X.cols());
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    for (Eigen::Index j = 0; j < X.cols(); ++j) D(i, j) = static_cast<double>(X(i, j));
  return D;
}

struct Stored {  // one cell's block as the punchcard holds it: rows x width, exact
  std::vector<std::vector<Rational>> v;
};

template <class T>
Stored block(const cf::CompiledFleq& c, const Matrix<T>& X, int cell) {
  Stored s;
  s.v.assign(c.geometry.rows, std::vector<Rational>(c.geometry.width));
  for (int r = 0; r < c.geometry.rows; ++r)
    for (int t = 0; t < c.geometry.width; ++t) s.v[r][t] = exact_value(X(c.layout.row("val", r), c.geometry.cell_column(cell, t)));
  return s;
}

// The transformer's own state: pc decoded, every cell's declared entries exactly.
template <class T>
fq::MachineState own_state(const fq::FleqProgram& p, const cf::CompiledFleq& c, const Matrix<T>& X, int pc) {
  fq::MachineState st;
  st.pc = pc;
  for (int cell = 0; cell < p.cell_count(); ++cell) {
    const Stored b = block(c, X, cell);
    fq::Matrix m(p.cells[cell].shape);
    for (int r = 0; r < m.shape.rows; ++r)
      for (int t = 0; t < m.shape.cols; ++t) m.at(r, t) = b.v[r][t];
    st.cells.push_back(m);
  }
  st.halted = fq::is_halt(p, st);
  return st;
}

// The largest entry of the product families the instruction gates off (hypothesis H5),
// from the operand blocks as stored (padding included): A B for tmatmul, A^T B for matmul,
// both for transpose (whose B is the `never` constant).
Rational cross_magnitude(const fq::Instruction& in, const Stored& A, const Stored& B, int rows, int width) {
  const bool ab = in.op == fq::Op::tmatmul || in.op == fq::Op::transpose, atb = in.op == fq::Op::matmul || in.op == fq::Op::transpose;
  Rational worst = 0;
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < width; ++j) {
      Rational x = 0, y = 0;
      for (int l = 0; l < rows; ++l) x += A.v[i][l] * B.v[l][j], y += A.v[l][i] * B.v[l][j];
      if (ab) worst = std::max(worst, Rational(abs(x)));
      if (atb) worst = std::max(worst, Rational(abs(y)));
    }
  return worst;
}

// The largest distance of a block's entries (on the work columns, or on every column) to
// the nearer of lo and hi.
template <class T>
double deviation(const cf::CompiledFleq& c, const Matrix<T>& X, const std::string& name, double lo, double hi, bool work_only, int columns = -1) {
  const RowBlock& b = c.layout.block(name);
  if (columns < 0) columns = work_only ? c.geometry.work_columns() : c.layout.columns();
  // x - c is exact in T when x is near c (Sterbenz), which is where a deviation is small.
  double worst = 0;
  for (int i = 0; i < b.size; ++i)
    for (int j = 0; j < columns; ++j) {
      const T& x = X(b.row(i), j);
      const double d_lo = std::abs(static_cast<double>(T(x - T(lo)))), d_hi = std::abs(static_cast<double>(T(x - T(hi))));
      worst = std::max(worst, std::min(d_lo, d_hi));
    }
  return worst;
}

// The theorem's hypotheses on the controller rows in floating point (proofs/fleq_loop.md,
// "Controller rows in floating point"), checked on the layer outputs of one loop: the
// fetched fields and pointers within `drift` of +-1, the selectors and gates within
// `drift` of 0/1, and (after the loop) pc within 2^-20 of its bits (C3).
double observed_field_drift = 0, observed_gate_drift = 0, observed_pc_drift = 0;  // over the run (report only)

template <class T>
void apply_loop_checked(LoopedTransformer<T>& tf, const cf::CompiledFleq& c, Matrix<T>& X, double drift) {
  for (int l = 0; l < static_cast<int>(c.loop.layers.size()); ++l) {
    tf.apply_layer(l, X);
    const std::string& name = c.loop.layers[l].name;
    if (name == "fetch")
      for (const char* f : {"ins_a", "ins_b", "ins_c", "ins_f", "ins_p", "ins_add", "ins_sub", "ins_copy", "ins_keya", "ins_scale", "ins_matmul", "ins_transpose",
                            "ins_hadamard", "ins_s", "ins_w", "ins_rows", "ins_cols"})
        observed_field_drift = std::max(observed_field_drift, deviation(c, X, f, -1, 1, true));
    if (name == "fetch") REQUIRE(observed_field_drift <= drift);
    if (name == "decode") {
      for (const char* f : {"sel_add", "sel_sub", "sel_copy", "row_on", "col_on", "write_on", "sel_mm", "sel_tr", "sel_hd", "key_a_pos", "key_a_neg",
                            "key_s_pos", "key_s_neg", "key_h_pos", "key_h_neg"})
        REQUIRE(deviation(c, X, f, 0, 1, false) <= drift);
      for (const char* f : {"ins_a", "ins_b", "ins_s", "ins_f", "ins_p"}) REQUIRE(deviation(c, X, f, -1, 1, true) <= drift);
      REQUIRE(deviation(c, X, "ins_c", -1, 1, true, c.geometry.width) <= drift);  // the work block (0 on its twin)
    }
    if (name == "operands")
      for (const char* f : {"gate_real", "gate_tr", "gate_mm", "gate_hd"}) {
        observed_gate_drift = std::max(observed_gate_drift, deviation(c, X, f, 0, 1, false));
        REQUIRE(observed_gate_drift <= drift);
      }
  }
  observed_pc_drift = std::max(observed_pc_drift, deviation(c, X, "pc", -1, 1, true));
  REQUIRE(observed_pc_drift <= 0x1p-20);
}

// The certified E_w of every fit the program uses (index: isa::fleq::Function; infinity
// for the others). The certificate stops refining once within 2^-60 of its lower end
// (still an upper bound): sigmoid's one-term sum is sigma itself, and the default 1e-30
// would bisect its zero error for seconds; the loop's other terms are above u G anyway.
std::vector<double> fit_errors(const cf::CompiledFleq& c) {
  std::vector<double> out(c.constants.functions.size(), INFINITY);
  cert::CertifyOptions options;
  options.absolute_tolerance = 0x1p-60;
  for (std::size_t f = 0; f < out.size(); ++f)
    if (const auto& fit = c.constants.functions[f]) out[f] = cert::certify(cf::widened_target(*fit), fit->sum, options).bound;
  return out;
}

bool uses_function(const fq::FleqProgram& p) {
  for (const auto& in : p.instructions)
    if (fq::is_function(in.op)) return true;
  return false;
}

// Loops run for a program with functions (backprop_221 has 5737, the power iterations
// thousands); every other program runs to its halt.
constexpr std::int64_t kFunctionLoops = 300;
std::int64_t loop_limit(const fq::FleqProgram& p) { return uses_function(p) && !std::getenv("LOOPCERT_FLEQ_LONG") ? kFunctionLoops : 20000; }

struct Result {
  int loops = 0, checked = 0, violations = 0;
  double worst_ratio = 0;       // largest observed / bound over the checked entries
  std::map<std::string, double> worst_by_op;  // the same per operation
  std::string first_violation;  // "loop 12 (X = sub X2, U): error 3e-9 > bound 1e-9"
};

// Runs the program loop by loop at T with the bound multiplied by `scale` (1: the theorem),
// the functions' fit errors `errors` (empty: fit_errors(c)).
template <class T>
Result check_run(const fq::FleqProgram& p, const cf::CompiledFleq& c, double u, double scale = 1, std::vector<double> errors = {}) {
  if (errors.empty()) errors = fit_errors(c);
  const bounds::FleqLoopConstants k = analysis::fleq_loop_constants(p, c, errors);
  REQUIRE(bounds::fleq_controller_bound(k, u).exact());
  const fq::RunResult ref = fq::run_fleq_machine(p, 20000);
  REQUIRE(ref.halted);
  const fq::OpTable ops = fq::ideal_ops();
  LoopedTransformer<T> tf = instantiate<T>(c.loop, AttentionMode::Softmax);
  Matrix<T> X = to_scalar<T>(c.X0);
  const double G = to_double(p.bound) * (1 + k.stored_slack);
  Result out;
  for (std::int64_t loop = 0; loop < std::min(ref.steps, loop_limit(p)); ++loop) {
    const cf::DecodedFleq d = cf::decode(c.layout, p, as_double(X));
    REQUIRE_FALSE(d.invalid);
    const fq::MachineState st = own_state(p, c, X, d.pc);
    for (int cell = 0; cell < p.cell_count(); ++cell)  // H2: stored entries within the declared bound
      if (p.cells[cell].kind == fq::CellKind::real)
        for (const Rational& x : st.cells[cell].entries) REQUIRE(to_double(abs(x)) <= G);
    const fq::StepResult next = fq::step(p, st, ops, {}, loop);
    REQUIRE_FALSE(next.error);
    const fq::Instruction& in = p.instructions[d.pc];
    const auto shape = analysis::fleq_instruction_shape(p, d.pc);
    const auto bound = shape ? bounds::fleq_instruction_bound(k, *shape, u) : bounds::FleqInstructionBound{};
    if (shape && std::getenv("LOOPCERT_FLEQ_BOUND_PARTS") && loop < 12)
      std::printf("%s: read %.3g data %.3g operation %.3g rounding %.3g write %.3g drift %.3g pass %.3g total %.3g\n", fq::op_name(in.op), bound.read,
                  bound.data, bound.operation, bound.rounding, bound.write, bound.drift, bound.pass, bound.total);
    if (shape && (in.op == fq::Op::tmatmul || in.op == fq::Op::matmul || in.op == fq::Op::transpose)) {
      const Stored A = block(c, X, in.a), B = block(c, X, in.b >= 0 ? in.b : c.geometry.never_cell());
      const double cross = up(cross_magnitude(in, A, B, c.geometry.rows, c.geometry.width));
      REQUIRE(cross <= bound.cross_limit);  // H5
      if (bound.cross_implied) CHECK(cross <= to_double(p.bound) * to_double(p.bound) * c.geometry.rows * (1 + 0x1p-19));
    }
    apply_loop_checked(tf, c, X, bounds::fleq_instruction_bound(k, {}, u).drift);
    ++out.loops;
    const fq::MachineState after = own_state(p, c, X, cf::decode(c.layout, p, as_double(X)).pc);
    CHECK(after.pc == next.state.pc);
    for (int cell = 0; cell < p.cell_count(); ++cell) {
      const bool written = shape && cell == in.c;
      if (!written || p.cells[cell].kind == fq::CellKind::integer) {
        CHECK(after.cells[cell] == next.state.cells[cell]);  // unchanged, or an exact integer
        continue;
      }
      REQUIRE(bound.total < bounds::kInfinity);
      for (std::size_t e = 0; e < after.cells[cell].entries.size(); ++e) {
        const double err = up(after.cells[cell].entries[e] - next.state.cells[cell].entries[e]);
        ++out.checked;
        out.worst_ratio = std::max(out.worst_ratio, err / bound.total);
        double& by_op = out.worst_by_op[fq::op_name(in.op)];
        by_op = std::max(by_op, err / bound.total);
        if (err > bound.total * scale && out.violations++ == 0)
          out.first_violation = "loop " + std::to_string(loop + 1) + " (pc " + std::to_string(d.pc) + ", line " + std::to_string(in.line) +
                                "): error " + std::to_string(err) + " > bound " + std::to_string(bound.total * scale);
      }
    }
  }
  return out;
}

bool covered(const fq::FleqProgram& p) { return !cf::unsupported_instruction(p) && p.int_bound <= cf::CompileOptions{}.max_int_bound; }

}  // namespace

TEST_CASE("FLEQ loop theorem: every written entry within the bound, at double", "[fleq][loop_bound]") {
  int programs = 0;
  for (const auto& dir : fs::directory_iterator(kExamples))
    for (const auto& entry : fs::directory_iterator(dir.path())) {
      const fq::FleqProgram p = fq::load_fq(entry.path().string());
      if (!covered(p)) continue;
      const cf::CompiledFleq c = cf::compile_fleq(p, {0x1p-53});
      CHECK(bounds::fleq_fetch_copy_exact(analysis::fleq_loop_constants(p, c), 0x1p-53));  // Lemma F: every controller row exact
      const Result r = check_run<double>(p, c, 0x1p-53);
      INFO(p.source << ": " << r.first_violation);
      CHECK(r.violations == 0);
      if (std::getenv("LOOPCERT_FLEQ_REPORT")) {
        std::printf("%s at double: %d loops, %d entries, worst observed / bound %.3g (", entry.path().filename().c_str(), r.loops, r.checked,
                    r.worst_ratio);
        for (const auto& [op, ratio] : r.worst_by_op) std::printf(" %s %.3g", op.c_str(), ratio);
        std::printf(" )\n");
      }
      ++programs;
    }
  CHECK(programs >= 20);  // every example but long_loop (its .intbound is beyond the snap)
  if (std::getenv("LOOPCERT_FLEQ_REPORT"))
    std::printf("controller rows at double, largest deviation: fields %.3g, gates %.3g, pc %.3g\n", observed_field_drift, observed_gate_drift,
                observed_pc_drift);
}

TEST_CASE("FLEQ loop theorem: newton_a3 and products at mpfr:128", "[fleq][loop_bound]") {
  MpfrPrecisionScope scope(128);
  for (const char* name : {"linalg/newton_a3.fq", "linalg/products.fq"}) {
    const fq::FleqProgram p = fq::load_fq(kExamples + name);
    const cf::CompiledFleq c = cf::compile_fleq(p, {0x1p-128});
    CHECK(bounds::fleq_fetch_copy_exact(analysis::fleq_loop_constants(p, c), 0x1p-128));
    const Result r = check_run<MpfrReal>(p, c, 0x1p-128);
    INFO(name << ": " << r.first_violation);
    CHECK(r.violations == 0);
    CHECK(r.checked > 0);
    if (std::getenv("LOOPCERT_FLEQ_REPORT"))
      std::printf("%s at mpfr:128: %d loops, %d entries, worst observed / bound %.3g\n", name, r.loops, r.checked, r.worst_ratio);
  }
}

TEST_CASE("FLEQ loop theorem: a bound scaled down, or a broken matmul head, is caught", "[fleq][loop_bound][negative]") {
  const fq::FleqProgram p = fq::load_fq(kExamples + "linalg/newton_a3.fq");
  cf::CompiledFleq c = cf::compile_fleq(p, {0x1p-53});
  CHECK(check_run<double>(p, c, 0x1p-53, 0x1p-40).violations > 0);
  auto& products = c.loop.layers[3];
  REQUIRE(products.name == "products");
  int broken = 0;
  for (auto& head : products.heads)
    if (head.name == "fleq_matmul")
      for (auto& e : head.value.entries) e.value *= 1 + Rational(1, 1 << 20), ++broken;
  REQUIRE(broken > 0);
  const Result r = check_run<double>(p, c, 0x1p-53);
  INFO(r.first_violation);
  CHECK(r.violations > 0);
}

TEST_CASE("FLEQ loop theorem: an elementwise function composes read, fleq_function and write", "[fleq][loop_bound]") {
  bounds::FleqLoopConstants k;
  k.n = 64, k.L = 6, k.rows = 2, k.width = 2, k.data_bound = k.real_bound = 16, k.read_lambda = k.write_lambda = 22, k.write_gate = 48,
  k.select_gate = 64;
  // Lemma F fails at a low fetch temperature (the off-target weights reach u / 2).
  CHECK(bounds::fleq_fetch_copy_exact(k, 0x1p-53));
  bounds::FleqLoopConstants cold = k;
  cold.read_lambda = 4;
  CHECK_FALSE(bounds::fleq_fetch_copy_exact(cold, 0x1p-53));
  const bounds::FleqInstructionShape exp_shape{bounds::FleqBoundOp::function, 2, 2, 1, 1, false, 1};
  // No certified fit error given: infinite, with the reason.
  const auto none = bounds::fleq_instruction_bound(k, exp_shape, 0);
  CHECK(none.total == bounds::kInfinity);
  CHECK(none.reason.find("E_w") != std::string::npos);
  // Given one: fleq_function's bound at input_error = the read bound, then the write.
  bounds::FleqFunctionInputs fit;
  fit.approximation = 1e-9, fit.margin = 1e-6, fit.lipschitz = 3;
  fit.rounding = {32, k.n, k.n / 2, 1, 40, 400, 1, 60, 30};
  k.functions.assign(5, bounds::FleqFunctionInputs{});
  k.functions[1] = fit;
  {  // exact arithmetic (at u > 0 the write needs the compiled loop: the examples below)
    const auto b = bounds::fleq_instruction_bound(k, exp_shape, 0);
    REQUIRE(b.total < bounds::kInfinity);
    bounds::FleqFunctionInputs at_read = fit;
    at_read.input_error = b.read;
    CHECK(b.read > 0);
    CHECK(b.operation == bounds::fleq_function_total(at_read, {"", 0, 0, k.max_finite}));
    CHECK(b.operation > fit.approximation);
    CHECK(b.total >= b.operation + b.write);
  }
  // The read bound above the margin: fleq_function's hypothesis fails.
  k.functions[1].margin = 0;
  const auto wide = bounds::fleq_instruction_bound(k, exp_shape, 0);
  CHECK(wide.total == bounds::kInfinity);
  CHECK(wide.reason.find("margin") != std::string::npos);
  // Exact arithmetic, add: two read leaks and the write, nothing else.
  const auto add = bounds::fleq_instruction_bound(k, {bounds::FleqBoundOp::add, 2, 2, 2, 2, false}, 0);
  CHECK(add.total > 0);
  CHECK(add.rounding == 0);
  CHECK(add.total < 1e-10);
}

// Hypothesis H5 from the declarations (compile/fleq/constants.cpp: the select gate at
// least 2 R G^2 when the program has products): A^T B = 256 beside `matmul A, B` at
// .bound 16 is gated off exactly, so C = A B = 0 is written within the bound; likewise
// A E = 256 beside `tmatmul A, E` (= 0). With the old gate 4 G' = 64 the transformer
// wrote C[1,0] = 50.
TEST_CASE("FLEQ loop theorem: a gated-off product far above the data bound stays off", "[fleq][loop_bound]") {
  const fq::FleqProgram p = fq::assemble_fq(R"(.k 2
.bound 16
.real A = [[0, 16], [0, 0]]
.real B = [[16, 0], [0, 0]]
.real E = [[0, 0], [16, 0]]
.real C 2x2
.real D 2x2
        C = matmul A, B
        D = tmatmul A, E
        halt
)", "cross.fq");
  const cf::CompiledFleq c = cf::compile_fleq(p, {0x1p-53});
  const bounds::FleqLoopConstants k = analysis::fleq_loop_constants(p, c);
  const auto bound = bounds::fleq_instruction_bound(k, *analysis::fleq_instruction_shape(p, 0), 0x1p-53);
  CHECK(bound.cross_implied);
  const Result r = check_run<double>(p, c, 0x1p-53);
  INFO(r.first_violation);
  CHECK(r.violations == 0);
  CHECK(r.checked == 8);
}

// The drift regime (proofs/fleq_loop.md, "Controller rows in floating point without Lemma
// F"): compiled for u = 2^-40 (a cooler fetch: its copy is no longer exactly +-1) and run
// at double, the controller rows deviate, and the bound with the drift terms still holds.
TEST_CASE("FLEQ loop theorem: the drift regime, a fetch too cool for Lemma F", "[fleq][loop_bound]") {
  for (const char* name : {"linalg/newton_a3.fq", "linalg/products.fq", "subleq/gcd.fq"}) {
    const fq::FleqProgram p = fq::load_fq(kExamples + name);
    const cf::CompiledFleq c = cf::compile_fleq(p, {0x1p-40});
    const bounds::FleqLoopConstants k = analysis::fleq_loop_constants(p, c);
    CHECK_FALSE(bounds::fleq_fetch_copy_exact(k, 0x1p-53));
    const double drift = bounds::fleq_instruction_bound(k, {}, 0x1p-53).drift;
    CHECK(drift > 0);
    observed_field_drift = observed_gate_drift = observed_pc_drift = 0;
    const Result r = check_run<double>(p, c, 0x1p-53);
    INFO(name << ": " << r.first_violation << "; observed drift: fields " << observed_field_drift << ", gates " << observed_gate_drift
              << ", pc " << observed_pc_drift << " (allowed " << drift << ")");
    CHECK(r.violations == 0);
    if (std::getenv("LOOPCERT_FLEQ_REPORT"))
      std::printf("drift regime, %s: worst observed / bound %.3g; controller drift observed fields %.3g gates %.3g pc %.3g, allowed %.3g\n", name,
                  r.worst_ratio, observed_field_drift, observed_gate_drift, observed_pc_drift, drift);
  }
}

// The functions' term can fail: with the certified fit error taken 2^-8 too small, or the
// recip heads' values 2^-20 too large, calc/arith.fq (recip its one fitted function) leaves the bound.
TEST_CASE("FLEQ loop theorem: a too small fit error, or a broken function head, is caught", "[fleq][loop_bound][negative]") {
  const fq::FleqProgram p = fq::load_fq(kExamples + "calc/arith.fq");
  cf::CompiledFleq c = cf::compile_fleq(p, {0x1p-53});
  const std::vector<double> certified = fit_errors(c);
  std::vector<double> small_errors = certified;
  for (double& e : small_errors) e *= 0x1p-8;
  const Result small = check_run<double>(p, c, 0x1p-53, 1, small_errors);
  INFO(small.first_violation);
  CHECK(small.violations > 0);
  auto& products = c.loop.layers[3];
  REQUIRE(products.name == "products");
  int broken = 0;
  for (auto& head : products.heads)
    if (head.name.rfind("fleq_recip[", 0) == 0)
      for (auto& e : head.value.entries) e.value *= 1 + Rational(1, 1 << 20), ++broken;
  REQUIRE(broken > 0);
  const Result r = check_run<double>(p, c, 0x1p-53, 1, certified);
  INFO(r.first_violation);
  CHECK(r.violations > 0);
}
