// Constructions of the sigmoid lemma (proofs/sigmoid.md). Evaluation with the engine
// lives in sigmoid_eval.cpp.
#include "blocks/sigmoid.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/input_error.hpp"

namespace loopcert::sigmoid {

namespace {

Rational rabs(const Rational& q) { return q < 0 ? Rational(-q) : q; }
Rational rmax(const Rational& a, const Rational& b) { return a < b ? b : a; }

// Exact rational value of an MPFR number.
Rational to_rational(mpfr_srcptr x) {
  Rational q;
  mpfr_get_q(q.backend().data(), x);
  return q;
}

Rational ld_to_rational(long double v) {
  mpfr_t x;
  mpfr_init2(x, 64);
  mpfr_set_ld(x, v, MPFR_RNDN);  // exact: long double has a 64-bit significand
  Rational q = to_rational(x);
  mpfr_clear(x);
  return q;
}

long double rational_to_ld(const Rational& q) {
  mpfr_t x;
  mpfr_init2(x, 64);
  mpfr_set_q(x, q.backend().data(), MPFR_RNDN);
  long double v = mpfr_get_ld(x, MPFR_RNDN);
  mpfr_clear(x);
  return v;
}

// Index j of the table piece [x_j, x_{j+1}] containing x (clamped to the ends).
template <class X, class Less>
std::size_t piece_of(const std::vector<Knot>& knots, const X& x, Less less) {
  std::size_t lo = 0, hi = knots.size() - 1;  // invariant: answer in [lo, hi)
  while (hi - lo > 1) {
    std::size_t mid = (lo + hi) / 2;
    if (less(x, knots[mid].x)) hi = mid;
    else lo = mid;
  }
  return lo;
}

std::string trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

}  // namespace

// ---------------------------------------------------------------------------------
// Univariate functions.

long double sigma_ld(long double z) {
  if (z >= 0) return 1.0L / (1.0L + std::exp(-z));
  const long double e = std::exp(z);
  return e / (1.0L + e);
}

long double evaluate_ld(const Univariate& f, long double x) {
  switch (f.kind) {
    case FunctionKind::Square: return x * x;
    case FunctionKind::Reciprocal: return 1.0L / x;
    case FunctionKind::Sqrt: return std::sqrt(x);
    case FunctionKind::Exp: return std::exp(x);
    case FunctionKind::Sigmoid: return sigma_ld(x);
    case FunctionKind::Table: {
      std::size_t j = piece_of(f.knots, x, [](long double a, const Rational& b) { return a < rational_to_ld(b); });
      const long double x0 = rational_to_ld(f.knots[j].x), x1 = rational_to_ld(f.knots[j + 1].x);
      const long double y0 = rational_to_ld(f.knots[j].y), y1 = rational_to_ld(f.knots[j + 1].y);
      return y0 + (y1 - y0) * (x - x0) / (x1 - x0);
    }
  }
  return 0;
}

std::optional<Rational> evaluate_exact(const Univariate& f, const Rational& x) {
  switch (f.kind) {
    case FunctionKind::Square: return Rational(x * x);
    case FunctionKind::Reciprocal: return Rational(1 / x);
    case FunctionKind::Table: {
      std::size_t j = piece_of(f.knots, x, [](const Rational& a, const Rational& b) { return a < b; });
      const Knot &k0 = f.knots[j], &k1 = f.knots[j + 1];
      return Rational(k0.y + (k1.y - k0.y) * (x - k0.x) / (k1.x - k0.x));
    }
    default: return std::nullopt;
  }
}

MpfrReal evaluate_mpfr(const Univariate& f, const MpfrReal& x) {
  switch (f.kind) {
    case FunctionKind::Square: return x * x;
    case FunctionKind::Reciprocal: return MpfrReal(1) / x;
    case FunctionKind::Sqrt: return sqrt(x);
    case FunctionKind::Exp: return exp(x);
    case FunctionKind::Sigmoid: return MpfrReal(1) / (MpfrReal(1) + exp(-x));
    case FunctionKind::Table: {
      Rational q;
      mpfr_get_q(q.backend().data(), x.raw());
      return MpfrReal(*evaluate_exact(f, q));
    }
  }
  return MpfrReal(0);
}

// ---------------------------------------------------------------------------------
// Targets.

std::string target_name(TargetKind kind) {
  switch (kind) {
    case TargetKind::Square: return "x^2";
    case TargetKind::Product: return "x*y";
    case TargetKind::Reciprocal: return "1/x";
    case TargetKind::Sqrt: return "sqrt";
    case TargetKind::Exp: return "exp";
    case TargetKind::Sigmoid: return "sigmoid";
    case TargetKind::Table: return "table";
  }
  return "?";
}

std::string target_names_help() { return "x^2, x*y, 1/x, sqrt, exp, sigmoid, table"; }

TargetKind parse_target_kind(const std::string& text) {
  static const std::vector<std::pair<std::string, TargetKind>> names = {
      {"x^2", TargetKind::Square},       {"square", TargetKind::Square},      {"x2", TargetKind::Square},
      {"x*y", TargetKind::Product},      {"xy", TargetKind::Product},         {"product", TargetKind::Product},
      {"1/x", TargetKind::Reciprocal},   {"inv", TargetKind::Reciprocal},     {"reciprocal", TargetKind::Reciprocal},
      {"sqrt", TargetKind::Sqrt},        {"exp", TargetKind::Exp},            {"sigmoid", TargetKind::Sigmoid},
      {"table", TargetKind::Table},
  };
  for (const auto& [name, kind] : names)
    if (text == name) return kind;
  throw std::invalid_argument("unknown function '" + text + "' (expected one of " + target_names_help() + ")");
}

std::pair<Rational, Rational> default_range(TargetKind kind) {
  switch (kind) {
    case TargetKind::Square:
    case TargetKind::Product:
    case TargetKind::Exp: return {-1, 1};
    case TargetKind::Reciprocal: return {Rational(1, 2), 2};
    case TargetKind::Sqrt: return {Rational(1, 4), 4};
    case TargetKind::Sigmoid: return {-4, 4};
    case TargetKind::Table: break;
  }
  throw std::invalid_argument("a table's range is its own x-range");
}

std::pair<Rational, Rational> parse_range(const std::string& text) {
  const std::size_t dots = text.find("..");
  if (dots == std::string::npos || dots == 0 || dots + 2 >= text.size())
    throw std::invalid_argument("range '" + text + "': expected LO..HI, e.g. -1..1 or 0.25..4");
  Rational lo, hi;
  try {
    lo = parse_rational(text.substr(0, dots));
    hi = parse_rational(text.substr(dots + 2));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("range '" + text + "': " + e.what());
  }
  return {lo, hi};
}

std::string range_text(const Rational& lo, const Rational& hi) { return to_string(lo) + ".." + to_string(hi); }

// ---------------------------------------------------------------------------------
// Tables. Errors name FILE:LINE:COL (COL of the offending field; no COL when the whole
// line is wrong) and quote user text through excerpt.

namespace {

constexpr const char* kTableExpected = "a table file of x y points";

struct TableField {
  std::string text;
  int col;  // 1-based
};

bool is_table_separator(char ch) { return ch == ',' || ch == ';' || std::isspace(static_cast<unsigned char>(ch)); }

// The fields of one line: runs of characters between blanks, ',' and ';' (a '#' comment
// already removed), so "x y", "x,y", "x; y" and "x\ty" read alike.
std::vector<TableField> table_fields(const std::string& line) {
  std::vector<TableField> fields;
  for (std::size_t i = 0; i < line.size();) {
    if (is_table_separator(line[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < line.size() && !is_table_separator(line[end])) ++end;
    fields.push_back({line.substr(i, end - i), static_cast<int>(i) + 1});
    i = end;
  }
  return fields;
}

std::invalid_argument table_error(const std::string& source, int line, int col, const std::string& message) {
  std::string where = source + ":" + std::to_string(line);
  if (col > 0) where += ":" + std::to_string(col);
  return std::invalid_argument(where + ": " + message);
}

// The field as C's strtod reads it, when it reads all of it: it also takes spellings
// parse_rational refuses (nan, inf, 0x1p3).
std::optional<double> c_number(const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

bool looks_numeric(const std::string& text) {
  std::string why;
  return try_parse_rational(text, why) || c_number(text);
}

// Only the first line may be a header, and only if it names the columns: no field of it
// is a number (in any spelling), so a first line "0 nan" is data with a bad value.
bool is_header(const std::vector<TableField>& fields) {
  return std::none_of(fields.begin(), fields.end(), [](const TableField& f) { return looks_numeric(f.text); });
}

// One coordinate ("x" or "y") of a point: exact, and representable as a double. The
// evaluation works in double and long double, where a value that rounds to inf or to
// 0 would change the function silently (inf makes every bound vacuous).
Rational table_value(const TableField& field, const char* name, const std::string& source, int line) {
  const std::string quoted = std::string(name) + " value '" + excerpt(field.text) + "'";
  std::string why;
  const std::optional<Rational> value = try_parse_rational(field.text, why);
  if (!value) {
    if (const auto c = c_number(field.text); c && !std::isfinite(*c))
      why = "is not a finite number (expected e.g. 3, -0.25, 1e-3 or 7/2)";
    throw table_error(source, line, field.col, quoted + " " + why);
  }
  const double rounded = to_double(*value);
  if (!std::isfinite(rounded))
    throw table_error(source, line, field.col,
                      quoted + " is too large for a double: it rounds to " + (rounded < 0 ? "-inf" : "inf") +
                          " (expected a magnitude below about 1.8e308)");
  if (rounded == 0 && *value != 0)
    throw table_error(source, line, field.col,
                      quoted + " is too small for a double: it rounds to 0 (expected 0 itself or a magnitude of about "
                               "4.9e-324 or more)");
  return *value;
}

}  // namespace

std::vector<Knot> parse_table(const std::string& text, const std::string& source) {
  std::vector<Knot> knots;
  std::vector<int> lines;            // line of each knot
  std::vector<std::string> x_texts;  // x of each knot as written
  std::istringstream in(text);
  std::string line;
  int number = 0;
  bool first = true;  // no line with fields seen yet
  while (std::getline(in, line)) {
    ++number;
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    const std::vector<TableField> fields = table_fields(line);
    if (fields.empty()) continue;
    const bool header = first && is_header(fields);
    first = false;
    if (header) continue;  // such as "x,y"
    if (fields.size() != 2)
      throw table_error(source, number, 0, "expected two numbers 'x y' (or 'x,y'), got '" + excerpt(trim(line)) + "'");
    const Knot k{table_value(fields[0], "x", source, number), table_value(fields[1], "y", source, number)};
    if (!knots.empty()) {
      const std::string previous = "x = " + excerpt(x_texts.back()) + " (line " + std::to_string(lines.back()) + ")";
      if (!(knots.back().x < k.x))
        throw table_error(source, number, fields[0].col,
                          "x must be strictly increasing, but x = " + excerpt(fields[0].text) + " follows " + previous);
      // Rounding to double is monotone, so a strictly increasing pair can only collapse.
      const double rounded = to_double(k.x);
      if (!(to_double(knots.back().x) < rounded)) {
        char shown[32];
        std::snprintf(shown, sizeof shown, "%.17g", rounded);
        throw table_error(source, number, fields[0].col,
                          "x = " + excerpt(fields[0].text) + " and " + previous + " round to the same double, " + shown +
                              " (expected x values that stay strictly increasing when rounded to double)");
      }
    }
    knots.push_back(k);
    lines.push_back(number);
    x_texts.push_back(fields[0].text);
  }
  if (knots.size() < 2)
    throw std::invalid_argument(source + " has " + std::to_string(knots.size()) + (knots.size() == 1 ? " point" : " points") +
                                "; a piecewise-linear table needs at least 2");
  return knots;
}

std::vector<Knot> read_table(const std::string& path) {
  // Checked first because a directory opens without error on Linux and reads as empty,
  // which parse_table would report as "has 0 points".
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw std::invalid_argument(path + ": is a directory (expected " + kTableExpected + ")");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::invalid_argument(path + ": cannot open table file: " + std::strerror(errno) + " (expected " + kTableExpected + ")");
  // istream::read (unlike `out << in.rdbuf()`) sets badbit when reading fails.
  std::string text;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) text.append(buffer, static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw std::invalid_argument(path + ": cannot read table file (read failed)");
  return parse_table(text, path);
}

Target make_target(TargetKind kind, std::optional<std::pair<Rational, Rational>> range, std::vector<Knot> knots) {
  Target t;
  t.kind = kind;
  if (kind == TargetKind::Table) {
    if (knots.size() < 2) throw std::invalid_argument("a table needs at least 2 points");
    for (std::size_t i = 1; i < knots.size(); ++i)
      if (!(knots[i - 1].x < knots[i].x)) throw std::invalid_argument("table x values must be strictly increasing");
    t.knots = std::move(knots);
  }
  if (range) {
    t.lo = range->first;
    t.hi = range->second;
  } else if (kind == TargetKind::Table) {
    t.lo = t.knots.front().x;
    t.hi = t.knots.back().x;
  } else {
    std::tie(t.lo, t.hi) = default_range(kind);
  }
  const std::string r = range_text(t.lo, t.hi);
  if (!(t.lo < t.hi)) throw std::invalid_argument("range " + r + " is empty: LO must be less than HI");
  const Rational limit = 1 << 20;
  if (rabs(t.lo) > limit || rabs(t.hi) > limit)
    throw std::invalid_argument("range " + r + " is too large (|LO|, |HI| <= 2^20)");
  switch (kind) {
    case TargetKind::Reciprocal:
      if (!(t.lo > 0)) throw std::invalid_argument("1/x needs 0 < LO (1/x is unbounded near 0); got range " + r);
      break;
    case TargetKind::Sqrt:
      if (!(t.lo > 0))
        throw std::invalid_argument("sqrt needs 0 < LO (sqrt is not Lipschitz at 0, so no finite bound holds there); got range " + r);
      break;
    case TargetKind::Exp:
      if (t.hi > 64) throw std::invalid_argument("exp needs HI <= 64 (e^HI must stay far from overflow); got range " + r);
      break;
    case TargetKind::Table:
      if (t.lo < t.knots.front().x || t.hi > t.knots.back().x)
        throw std::invalid_argument("range " + r + " leaves the table's x-range " + range_text(t.knots.front().x, t.knots.back().x));
      break;
    default: break;
  }
  return t;
}

MpfrReal evaluate_target(const Target& target, const Rational& x, const Rational& y) {
  switch (target.kind) {
    case TargetKind::Product: return MpfrReal(Rational(x * y));
    case TargetKind::Square: return MpfrReal(Rational(x * x));
    case TargetKind::Reciprocal: return MpfrReal(Rational(1 / x));
    default: break;
  }
  Univariate f;
  f.kind = target.kind == TargetKind::Sqrt      ? FunctionKind::Sqrt
           : target.kind == TargetKind::Exp     ? FunctionKind::Exp
           : target.kind == TargetKind::Sigmoid ? FunctionKind::Sigmoid
                                                : FunctionKind::Table;
  f.lo = target.lo;
  f.hi = target.hi;
  f.knots = target.knots;
  if (auto q = evaluate_exact(f, x)) return MpfrReal(*q);
  return evaluate_mpfr(f, MpfrReal(x));
}

// ---------------------------------------------------------------------------------
// Sums of sigmoids.

long double evaluate_ld(const SigmoidSum& g, long double u) {
  long double total = rational_to_ld(g.c0);
  for (const auto& t : g.terms) total += rational_to_ld(t.c) * sigma_ld(rational_to_ld(t.a) * u + rational_to_ld(t.b));
  return total;
}

double grid_error(const Univariate& f, const SigmoidSum& g, int points) {
  const long double lo = rational_to_ld(f.lo), hi = rational_to_ld(f.hi);
  std::vector<long double> a, b, c;
  for (const auto& t : g.terms) {
    a.push_back(rational_to_ld(t.a));
    b.push_back(rational_to_ld(t.b));
    c.push_back(rational_to_ld(t.c));
  }
  const long double c0 = rational_to_ld(g.c0);
  long double worst = 0;
  for (int k = 0; k < points; ++k) {
    const long double x = points == 1 ? lo : lo + (hi - lo) * k / (points - 1);
    long double total = c0;
    for (std::size_t i = 0; i < a.size(); ++i) total += c[i] * sigma_ld(a[i] * x + b[i]);
    worst = std::max(worst, std::fabs(total - evaluate_ld(f, x)));
  }
  return static_cast<double>(worst);
}

std::string construction_name(Construction c) { return c == Construction::Staircase ? "staircase" : "fitted"; }

Rational default_staircase_alpha() { return 6; }

std::vector<Rational> default_fit_betas() { return {Rational(1, 8), Rational(1, 4), Rational(1, 2), 1, 2}; }

SigmoidSum staircase(const Univariate& f, int m, const Rational& alpha) {
  if (m < 1) throw std::invalid_argument("the number of terms must be at least 1 (got " + std::to_string(m) + ")");
  const Rational h = (f.hi - f.lo) / m;
  const Rational s = alpha / h;
  SigmoidSum g;
  g.width_factor = alpha;
  // Node values y_k: exact when f is rational at rational points, else rounded to
  // nearest at 128 bits (composite sigmoid: within 4 ulps) and taken exactly.
  constexpr long kNodeBits = 128;
  std::vector<Rational> y(m + 1);
  double node_error = 0;
  {
    MpfrPrecisionScope scope(kNodeBits);
    for (int k = 0; k <= m; ++k) {
      const Rational x = f.lo + h * k;
      if (auto q = evaluate_exact(f, x)) {
        y[k] = *q;
      } else {
        MpfrReal v = evaluate_mpfr(f, MpfrReal(x));
        y[k] = to_rational(v.raw());
        // |error| <= 4 ulp <= 2^(3 - 128) |v| (relative 2^-127 per ulp at most), rounded up generously.
        node_error = std::max(node_error, std::ldexp(std::fabs(static_cast<double>(v)) * 1.0000001, 3 - static_cast<int>(kNodeBits)));
      }
    }
  }
  g.node_error = node_error;
  g.c0 = y[0];
  for (int k = 1; k <= m; ++k) {
    const Rational t = f.lo + h * (2 * k - 1) / 2;
    g.terms.push_back({s, Rational(-s * t), Rational(y[k] - y[k - 1])});
  }
  return g;
}

SigmoidSum fit(const Univariate& f, int m, const Rational& beta) {
  if (m < 1) throw std::invalid_argument("the number of terms must be at least 1 (got " + std::to_string(m) + ")");
  using LMatrix = Eigen::Matrix<long double, Eigen::Dynamic, Eigen::Dynamic>;
  using LVector = Eigen::Matrix<long double, Eigen::Dynamic, 1>;
  const Rational h = (f.hi - f.lo) / m;
  const Rational s = beta / h;
  SigmoidSum g;
  g.width_factor = beta;
  for (int i = 1; i <= m; ++i) {
    const Rational t = f.lo + h * (2 * i - 1) / 2;
    g.terms.push_back({s, Rational(-s * t), Rational(0)});
  }
  const long double lo = rational_to_ld(f.lo), hi = rational_to_ld(f.hi);
  std::vector<long double> xs;
  const int n = 8 * m + 64;
  const long double pi = 3.141592653589793238462643383279502884L;
  for (int k = 0; k < n; ++k) xs.push_back((lo + hi) / 2 - (hi - lo) / 2 * std::cos(pi * (k + 0.5L) / n));
  xs.push_back(lo);
  xs.push_back(hi);
  for (const auto& k : f.knots)
    if (k.x > f.lo && k.x < f.hi) xs.push_back(rational_to_ld(k.x));
  std::vector<long double> a, b;
  for (const auto& t : g.terms) {
    a.push_back(rational_to_ld(t.a));
    b.push_back(rational_to_ld(t.b));
  }
  LMatrix A(xs.size(), m + 1);
  LVector rhs(xs.size());
  for (std::size_t r = 0; r < xs.size(); ++r) {
    A(r, 0) = 1;
    for (int i = 0; i < m; ++i) A(r, i + 1) = sigma_ld(a[i] * xs[r] + b[i]);
    rhs(r) = evaluate_ld(f, xs[r]);
  }
  const LVector c = A.colPivHouseholderQr().solve(rhs);
  g.c0 = ld_to_rational(c(0));
  for (int i = 0; i < m; ++i) g.terms[i].c = ld_to_rational(c(i + 1));
  return g;
}

// ---------------------------------------------------------------------------------
// The block.

Rational column_compensation(const SigmoidColumns& columns) {
  if (columns.balanced()) return 0;
  MpfrPrecisionScope scope(192);
  MpfrReal v = log(MpfrReal(columns.fillers) / MpfrReal(columns.anchors));
  mpfr_mul_2si(v.raw(), v.raw(), 64, MPFR_RNDN);
  mpfr_rint(v.raw(), v.raw(), MPFR_RNDN);
  mpfr_mul_2si(v.raw(), v.raw(), -64, MPFR_RNDN);
  return to_rational(v.raw());
}

double column_compensation_error(const SigmoidColumns& columns) {
  // Rounding to a multiple of 2^-64 (error 2^-65) of a value accurate to 2^-180.
  return columns.balanced() ? 0.0 : std::ldexp(1.0, -64);
}

std::vector<Channel> target_channels(const Target& target) {
  const Rational abs_max = rmax(rabs(target.lo), rabs(target.hi));
  Channel c;
  c.input = {{0, 1}};
  c.input_abs = abs_max;
  c.f.lo = target.lo;
  c.f.hi = target.hi;
  switch (target.kind) {
    case TargetKind::Square: c.f.kind = FunctionKind::Square; break;
    case TargetKind::Reciprocal: c.f.kind = FunctionKind::Reciprocal; break;
    case TargetKind::Sqrt: c.f.kind = FunctionKind::Sqrt; break;
    case TargetKind::Exp: c.f.kind = FunctionKind::Exp; break;
    case TargetKind::Sigmoid: c.f.kind = FunctionKind::Sigmoid; break;
    case TargetKind::Table:
      c.f.kind = FunctionKind::Table;
      c.f.knots = target.knots;
      break;
    case TargetKind::Product: {
      Channel plus = c, minus = c;
      plus.input = {{0, 1}, {1, 1}};
      plus.f = {FunctionKind::Square, Rational(2 * target.lo), Rational(2 * target.hi), {}};
      plus.scale = Rational(1, 4);
      minus.input = {{0, 1}, {1, -1}};
      minus.f = {FunctionKind::Square, Rational(target.lo - target.hi), Rational(target.hi - target.lo), {}};
      minus.scale = Rational(-1, 4);
      plus.input_abs = minus.input_abs = 2 * abs_max;
      return {plus, minus};
    }
  }
  return {c};
}

Layout sigmoid_layout(int inputs) {
  Layout layout(1, 1, 1);
  layout.add("x", 1);
  if (inputs > 1) layout.add("y", 1);
  layout.add("one", 1);
  layout.add("anchor", 1);
  layout.add("out", 1);
  return layout;
}

LayerSpec sigmoid_layer(const Layout& layout, const std::vector<Channel>& channels, const SigmoidColumns& columns,
                        const SigmoidRows& rows) {
  if (columns.anchors < 1 || columns.fillers < 1) throw std::invalid_argument("the sigmoid block needs at least one anchor and one filler column");
  LayerSpec layer("sigmoid", layout.rows());
  layer.lambda = 1;
  const int one = layout.row(rows.one), anchor = layout.row(rows.anchor), out = layout.row(rows.out);
  const Rational comp = column_compensation(columns);
  Rational c0 = 0;
  bool uses_y = false;
  for (std::size_t ch = 0; ch < channels.size(); ++ch) {
    const Channel& channel = channels[ch];
    for (std::size_t i = 0; i < channel.sum.terms.size(); ++i) {
      const Term& t = channel.sum.terms[i];
      // Query: the score a u + b itself (key dimension 1); key: the anchor indicator.
      HeadSpec& head = layer.add_head("sigmoid[" + std::to_string(ch) + "," + std::to_string(i) + "]", 1);
      for (const auto& [input, coeff] : channel.input) {
        head.query.add(0, layout.row(input == 0 ? rows.x : rows.y), t.a * coeff);
        uses_y = uses_y || input == 1;
      }
      head.query.add(0, one, t.b + comp);
      head.key.add(0, anchor, 1);
      head.value.add(out, anchor, channel.scale * t.c);
    }
    c0 += channel.scale * channel.sum.c0;
  }
  layer.ffn.add_bias(out, c0);
  layer.reads = {rows.x, rows.one, rows.anchor};
  if (uses_y) layer.reads.insert(rows.y);
  layer.writes = {rows.out};
  layer.blocks = {"sigmoid"};
  return layer;
}

SigmoidBlock build_block(const Target& target, Construction construction, int m, const BuildOptions& options) {
  if (m < 1) throw std::invalid_argument("the number of terms must be at least 1 (got " + std::to_string(m) + ")");
  SigmoidBlock block;
  block.target = target;
  block.construction = construction;
  block.terms = m;
  block.columns = options.columns;
  block.layout = sigmoid_layout(target.inputs());
  block.channels = target_channels(target);
  for (Channel& ch : block.channels) {
    if (construction == Construction::Staircase) {
      ch.sum = staircase(ch.f, m, options.alpha);
      continue;
    }
    if (options.betas.empty()) throw std::invalid_argument("no candidate widths for the fitted construction");
    // The smallest estimated total error; among infinite ones (the penalty's hypotheses
    // fail for every width), the smallest weights.
    std::pair<double, double> best{INFINITY, INFINITY};
    SigmoidSum chosen;
    for (const Rational& beta : options.betas) {
      Channel trial = ch;
      trial.sum = fit(ch.f, m, beta);
      double cost = grid_error(ch.f, trial.sum, 16 * m + 1001);
      if (options.fitted_penalty) cost += options.fitted_penalty(trial);
      if (!std::isfinite(cost)) cost = INFINITY;
      double weight = 0;
      for (const Term& t : trial.sum.terms) weight = std::max(weight, std::fabs(to_double(t.c)));
      const std::pair<double, double> key{cost, weight};
      if (chosen.terms.empty() || key < best) {
        best = key;
        chosen = trial.sum;
      }
    }
    ch.sum = chosen;
  }
  block.loop.d = block.layout.rows();
  block.loop.layers.push_back(sigmoid_layer(block.layout, block.channels, block.columns));
  return block;
}

Matrix<Rational> initial_punchcard(const SigmoidBlock& block, int batch) {
  if (batch < 1) throw std::invalid_argument("a punchcard needs at least one point column");
  const Layout& L = block.layout;
  const int fillers = batch * block.columns.fillers, n = batch * block.columns.columns();
  Matrix<Rational> X(L.rows(), n);
  for (int i = 0; i < L.rows(); ++i)
    for (int j = 0; j < n; ++j) X(i, j) = 0;
  for (int j = 0; j < n; ++j) X(L.row("one"), j) = 1;
  for (int j = fillers; j < n; ++j) X(L.row("anchor"), j) = 1;
  return X;
}

}  // namespace loopcert::sigmoid
