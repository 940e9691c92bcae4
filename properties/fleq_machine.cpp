// Properties of the exact FLEQ machine and the .fq assembler (src/isa/fleq): on random
// straight-line programs, printed as .fq and assembled, the machine agrees with a small
// independent interpreter written here (its own matrix loops, its own domain checks,
// sigmoid as e^x / (1 + e^x) through MpfrReal at 320 bits). Exact programs must agree
// exactly; programs with functions within 2^-100 (the two evaluate the functions at
// different precisions, and later products amplify that). Negative checks: a broken
// interpreter (sub reversed) and a machine whose recip is off by 2^-60 are caught.
#include <rapidcheck/catch.h>

#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <rapidcheck/detail/TestListener.h>
#include <rapidcheck/detail/TestMetadata.h>
#include <rapidcheck/detail/TestParams.h>

#include "core/mpfr_rational.hpp"
#include "core/mpfr_real.hpp"
#include "isa/fleq/assembler.hpp"
#include "isa/fleq/machine.hpp"

using namespace loopcert;
using namespace loopcert::isa::fleq;

namespace {

constexpr int kBound = 64;
constexpr int kIntBound = 8;

// ---------------------------------------------------------------------------------
// Random programs, described as plain data and printed as .fq.

struct RandomCell {
  std::string name;
  bool integer = false;
  int rows = 1, cols = 1;
  std::vector<Rational> values;  // row-major
};

struct RandomInstruction {
  Op op;
  int a, b, c;  // b = -1 for one-operand operations
};

struct RandomProgram {
  std::vector<RandomCell> cells;
  std::vector<RandomInstruction> code;
  bool with_functions = false;
};

Rational random_entry(bool integer) {
  if (integer) return Rational(*rc::gen::inRange(-3, 4));
  return Rational(*rc::gen::inRange(-8, 9), *rc::gen::inRange(1, 5));
}

int add_cell(RandomProgram& p, bool integer, int rows, int cols) {
  RandomCell cell{"c" + std::to_string(p.cells.size()), integer, rows, cols, {}};
  for (int i = 0; i < rows * cols; ++i) cell.values.push_back(random_entry(integer));
  p.cells.push_back(cell);
  return static_cast<int>(p.cells.size()) - 1;
}

// A cell of the given kind and shape: an existing one most of the time, else a new one.
int cell_with(RandomProgram& p, bool integer, int rows, int cols) {
  std::vector<int> fits;
  for (int i = 0; i < static_cast<int>(p.cells.size()); ++i) {
    const RandomCell& c = p.cells[static_cast<std::size_t>(i)];
    if (c.integer == integer && c.rows == rows && c.cols == cols) fits.push_back(i);
  }
  if (!fits.empty() && *rc::gen::inRange(0, 4) != 0) return *rc::gen::elementOf(fits);
  return add_cell(p, integer, rows, cols);
}

RandomInstruction random_instruction(RandomProgram& p) {
  const int last = p.with_functions ? static_cast<int>(Op::rsqrt) : static_cast<int>(Op::transpose);
  const Op op = static_cast<Op>(*rc::gen::inRange(0, last + 1));
  const bool integer = (op == Op::add || op == Op::sub || op == Op::copy) && *rc::gen::inRange(0, 3) == 0;
  const int n = integer ? 1 : *rc::gen::inRange(1, 4), m = integer ? 1 : *rc::gen::inRange(1, 4);
  const int r = integer ? 1 : *rc::gen::inRange(1, 4);
  RandomInstruction in{op, -1, -1, -1};
  switch (op) {
    case Op::matmul: in.a = cell_with(p, false, n, m); in.b = cell_with(p, false, m, r); in.c = cell_with(p, false, n, r); break;
    case Op::tmatmul: in.a = cell_with(p, false, m, n); in.b = cell_with(p, false, m, r); in.c = cell_with(p, false, n, r); break;
    case Op::scale: in.a = cell_with(p, false, 1, 1); in.b = cell_with(p, false, n, m); in.c = cell_with(p, false, n, m); break;
    case Op::transpose: in.a = cell_with(p, false, n, m); in.c = cell_with(p, false, m, n); break;
    default:
      in.a = cell_with(p, integer, n, m);
      if (operand_count(op) == 2) in.b = cell_with(p, integer, n, m);
      in.c = cell_with(p, integer, n, m);
  }
  return in;
}

RandomProgram random_program() {
  RandomProgram p;
  p.with_functions = *rc::gen::arbitrary<bool>();
  const int length = *rc::gen::inRange(1, 13);
  for (int i = 0; i < length; ++i) p.code.push_back(random_instruction(p));
  return p;
}

std::string print_fq(const RandomProgram& p) {
  std::ostringstream out;
  out << ".bound " << kBound << "\n.intbound " << kIntBound << "\n";
  out << ".range exp -4..4\n.range recip 1/8..8\n.range rsqrt 1/8..8\n";
  for (const RandomCell& c : p.cells) {
    out << (c.integer ? ".int " : ".real ") << c.name << " = ";
    if (c.integer) {
      out << c.values[0].str() << "\n";
      continue;
    }
    out << "[";
    for (int i = 0; i < c.rows; ++i) {
      out << (i ? ", [" : "[");
      for (int j = 0; j < c.cols; ++j) out << (j ? ", " : "") << c.values[static_cast<std::size_t>(i * c.cols + j)].str();
      out << "]";
    }
    out << "]\n";
  }
  for (const RandomInstruction& in : p.code) {
    out << "  " << p.cells[static_cast<std::size_t>(in.c)].name << " = " << op_name(in.op) << " "
        << p.cells[static_cast<std::size_t>(in.a)].name;
    if (in.b >= 0) out << ", " << p.cells[static_cast<std::size_t>(in.b)].name;
    out << "\n";
  }
  return out.str();
}

// ---------------------------------------------------------------------------------
// The independent interpreter: cells as vectors of rows, functions through MpfrReal.

using Rows = std::vector<std::vector<Rational>>;

struct Interpreted {
  std::vector<Rows> cells;
  int completed = 0;       // instructions run before stopping
  bool stopped = false;    // left the domain
};

Rows rows_of(const RandomCell& c) {
  Rows m(static_cast<std::size_t>(c.rows), std::vector<Rational>(static_cast<std::size_t>(c.cols)));
  for (int i = 0; i < c.rows * c.cols; ++i) m[static_cast<std::size_t>(i / c.cols)][static_cast<std::size_t>(i % c.cols)] = c.values[static_cast<std::size_t>(i)];
  return m;
}

Rational from_mpfr(const MpfrReal& x) { return exact_rational(x.raw()); }

// nullopt when the argument is outside the function's range.
std::optional<Rational> function_value(Op op, const Rational& x) {
  const auto inside = [&](Rational lo, Rational hi) { return lo <= x && x <= hi; };
  MpfrPrecisionScope precision(320);
  const MpfrReal v(x);
  switch (op) {
    case Op::sigmoid: if (!inside(-kBound, kBound)) return std::nullopt; return from_mpfr(exp(v) / (MpfrReal(1) + exp(v)));
    case Op::exp: if (!inside(-4, 4)) return std::nullopt; return from_mpfr(exp(v));
    case Op::recip: if (!inside(Rational(1, 8), 8)) return std::nullopt; return from_mpfr(MpfrReal(1) / v);
    case Op::sqrt: if (!inside(0, kBound)) return std::nullopt; return from_mpfr(sqrt(v));
    default: if (!inside(Rational(1, 8), 8)) return std::nullopt; return from_mpfr(MpfrReal(1) / sqrt(v));
  }
}

// nullopt when an argument leaves its range.
std::optional<Rows> evaluate(Op op, const Rows& a, const Rows& b, bool broken_sub) {
  const std::size_t n = a.size(), m = a[0].size();
  Rows c;
  if (op == Op::matmul || op == Op::tmatmul) {
    const bool t = op == Op::tmatmul;
    const std::size_t rows = t ? m : n, inner = t ? n : m;
    c.assign(rows, std::vector<Rational>(b[0].size()));
    for (std::size_t i = 0; i < rows; ++i)
      for (std::size_t j = 0; j < b[0].size(); ++j)
        for (std::size_t k = 0; k < inner; ++k) c[i][j] += (t ? a[k][i] : a[i][k]) * b[k][j];
    return c;
  }
  if (op == Op::transpose) {
    c.assign(m, std::vector<Rational>(n));
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < m; ++j) c[j][i] = a[i][j];
    return c;
  }
  c = op == Op::scale ? b : a;
  for (std::size_t i = 0; i < c.size(); ++i) {
    for (std::size_t j = 0; j < c[0].size(); ++j) {
      switch (op) {
        case Op::add: c[i][j] = a[i][j] + b[i][j]; break;
        case Op::sub: c[i][j] = broken_sub ? b[i][j] - a[i][j] : a[i][j] - b[i][j]; break;
        case Op::scale: c[i][j] = a[0][0] * b[i][j]; break;
        case Op::hadamard: c[i][j] = a[i][j] * b[i][j]; break;
        case Op::copy: break;
        default: {
          const auto value = function_value(op, a[i][j]);
          if (!value) return std::nullopt;
          c[i][j] = *value;
        }
      }
    }
  }
  return c;
}

Interpreted interpret(const RandomProgram& p, bool broken_sub) {
  Interpreted run;
  for (const RandomCell& c : p.cells) run.cells.push_back(rows_of(c));
  for (const RandomInstruction& in : p.code) {
    const Rows none;
    const auto result = evaluate(in.op, run.cells[static_cast<std::size_t>(in.a)],
                                 in.b >= 0 ? run.cells[static_cast<std::size_t>(in.b)] : none, broken_sub);
    const bool integer = p.cells[static_cast<std::size_t>(in.c)].integer;
    const Rational bound = integer ? kIntBound : kBound;
    bool inside = result.has_value();
    for (std::size_t i = 0; inside && i < result->size(); ++i)
      for (const Rational& v : (*result)[i]) inside = inside && abs(v) <= bound;
    if (!inside) {
      run.stopped = true;
      return run;
    }
    run.cells[static_cast<std::size_t>(in.c)] = *result;
    ++run.completed;
  }
  return run;
}

// ---------------------------------------------------------------------------------

bool agrees(const RandomProgram& p, bool broken_sub, const OpTable* table = nullptr) {
  const std::string text = print_fq(p);
  RC_LOG() << text;
  const FleqProgram program = assemble_fq(text, "random.fq");
  MachineOptions options;
  options.table = table;
  const RunResult run = run_fleq_machine(program, 100, options);
  const Interpreted expected = interpret(p, broken_sub);
  if (run.steps != expected.completed || run.error.has_value() != expected.stopped) return false;
  if (run.halted == expected.stopped) return false;
  const Rational tolerance = p.with_functions ? pow2(-100) : Rational(0);
  for (std::size_t cell = 0; cell < p.cells.size(); ++cell) {
    const Matrix& got = run.final_state().cells[cell];
    const Rows& want = expected.cells[cell];
    for (std::size_t i = 0; i < want.size(); ++i) {
      for (std::size_t j = 0; j < want[0].size(); ++j) {
        const Rational& v = want[i][j];
        const Rational scale = abs(v) > 1 ? Rational(abs(v)) : Rational(1);
        if (abs(got.at(static_cast<int>(i), static_cast<int>(j)) - v) > tolerance * scale) return false;
      }
    }
  }
  return true;
}

struct SilentListener : rc::detail::TestListener {
  void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
  void onShrinkTried(const rc::detail::CaseDescription&, bool) override {}
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
};

// The property with a broken side must fail on some case (fixed seed: deterministic).
template <typename Property>
bool property_fails(Property property) {
  rc::detail::TestParams params;
  params.seed = 20261201;
  params.maxSuccess = 300;
  params.disableShrinking = true;
  rc::detail::TestMetadata metadata;
  metadata.id = metadata.description = "broken fleq";
  SilentListener silent;
  const auto result = rc::detail::checkProperty(rc::detail::toProperty(property), metadata, params, silent);
  return result.template is<rc::detail::FailureResult>();
}

}  // namespace

TEST_CASE("fleq machine agrees with an independent interpreter on straight-line programs", "[property][fleq]") {
  rc::prop("run_fleq_machine(assemble_fq(print(p))) == interpret(p), domain exits included",
           [] {
             const RandomProgram p = random_program();
             RC_TAG(p.with_functions ? "functions" : "exact", interpret(p, false).stopped ? "left the domain" : "ran through");
             RC_ASSERT(agrees(p, false));
           });
}

TEST_CASE("negative check: an interpreter whose sub is reversed is caught", "[property][negative][fleq]") {
  REQUIRE(property_fails([] { RC_ASSERT(agrees(random_program(), true)); }));
}

TEST_CASE("negative check: a machine whose recip is off by 2^-60 is caught", "[property][negative][fleq]") {
  OpTable table = ideal_ops();
  table[Op::recip] = elementwise([](const Rational& x) {
    return Rational(ideal_function(Function::recip, x, kMinFunctionBits) * (1 + pow2(-60)));
  });
  REQUIRE(property_fails([&] { RC_ASSERT(agrees(random_program(), false, &table)); }));
}
