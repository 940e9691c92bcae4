// Unit tests of the sigmoid lemma (proofs/sigmoid.md): the block's shape, the bound
// functions against independent computations, the certificate on sums whose error is
// known in closed form, the JSON contract of `verify sigmoid`, and the bad-input cases
// of issue 4 through the functions the CLI calls.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "analysis/sigmoid_bound_inputs.hpp"
#include "analysis/sigmoid_eval.hpp"
#include "approx/channel.hpp"
#include "blocks/sigmoid.hpp"
#include "bounds/sigmoid.hpp"
#include "cert/sigmoid_certificate.hpp"
#include "cli/sigmoid_cli.hpp"
#include "core/table_reader.hpp"

using namespace loopcert;
using namespace loopcert::analysis;
using namespace loopcert::approx;
using namespace loopcert::blocks;
using namespace loopcert::bounds;
using namespace loopcert::cert;
using loopcert::cli::UsageError;

namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("loopcert_test_sigmoid_" + name);
  std::ofstream(path) << text;
  return path.string();
}

// Runs `verify sigmoid` and returns (exit code, stdout).
std::pair<int, std::string> verify(const cli::SigmoidOptions& o, const cli::VerifyCommon& c) {
  std::ostringstream captured;
  std::streambuf* old = std::cout.rdbuf(captured.rdbuf());
  int rc = -1;
  try {
    rc = cli::run_verify_sigmoid(o, c);
  } catch (...) {
    std::cout.rdbuf(old);
    throw;
  }
  std::cout.rdbuf(old);
  return {rc, captured.str()};
}

cli::SigmoidOptions options(const std::string& f, const std::string& range = "", int terms = 8) {
  cli::SigmoidOptions o;
  o.f = f;
  o.range = range;
  o.terms = terms;
  o.construction = "staircase";
  return o;
}

}  // namespace

TEST_CASE("sigmoid: bad input gives a clear message (issue 4)", "[sigmoid][cli]") {
  cli::VerifyCommon c;
  c.trials = 10;
  SECTION("--range 3..1") {
    CHECK_THROWS_AS(verify(options("x^2", "3..1"), c), UsageError);
    CHECK_THROWS_WITH(verify(options("x^2", "3..1"), c), Catch::Contains("3..1") && Catch::Contains("LO must be less than HI"));
  }
  SECTION("--range 0..1 for 1/x") {
    CHECK_THROWS_AS(verify(options("1/x", "0..1"), c), UsageError);
    CHECK_THROWS_WITH(verify(options("1/x", "0..1"), c), Catch::Contains("1/x needs 0 < LO"));
    CHECK_THROWS_WITH(verify(options("1/x", "-1..-0.5"), c), Catch::Contains("1/x needs 0 < LO"));
  }
  SECTION("--terms 0") {
    CHECK_THROWS_AS(verify(options("x^2", "", 0), c), UsageError);
    CHECK_THROWS_WITH(verify(options("x^2", "", 0), c), Catch::Contains("--terms must be at least 1 (got 0)"));
    CHECK_THROWS_WITH(verify(options("x^2", "", -3), c), Catch::Contains("--terms must be at least 1"));
  }
  SECTION("unknown --f") {
    CHECK_THROWS_AS(verify(options("cos"), c), UsageError);
    CHECK_THROWS_WITH(verify(options("cos"), c), Catch::Contains("unknown function 'cos'") && Catch::Contains("x^2, x*y, 1/x"));
  }
  SECTION("a table with fewer than two points") {
    auto o = options("table");
    o.table = write_temp("one_point.txt", "# one point\n0.5 1\n");
    CHECK_THROWS_AS(verify(o, c), UsageError);
    CHECK_THROWS_WITH(verify(o, c), Catch::Contains("has 1 point") && Catch::Contains("at least 2"));
    o.table = write_temp("empty.txt", "x,y\n");
    CHECK_THROWS_WITH(verify(o, c), Catch::Contains("has 0 points"));
  }
  SECTION("a table with non-increasing x") {
    auto o = options("table");
    o.table = write_temp("decreasing.txt", "0 0\n1 1\n0.5 2\n");
    CHECK_THROWS_AS(verify(o, c), UsageError);
    CHECK_THROWS_WITH(verify(o, c), Catch::Contains(":3:") && Catch::Contains("x must be strictly increasing"));
    o.table = write_temp("repeated.txt", "0 0\n1 1\n1 2\n");
    CHECK_THROWS_WITH(verify(o, c), Catch::Contains("x = 1 follows x = 1"));
  }
  SECTION("other mistakes") {
    auto o = options("table");
    CHECK_THROWS_WITH(verify(o, c), Catch::Contains("--f table needs --table FILE"));
    o.table = "/nonexistent/table.txt";
    CHECK_THROWS_WITH(verify(o, c), Catch::Contains("cannot open table file"));
    o = options("x^2");
    o.table = write_temp("unused.txt", "0 0\n1 1\n");
    CHECK_THROWS_WITH(verify(o, c), Catch::Contains("--table is only used with --f table"));
    CHECK_THROWS_WITH(verify(options("x^2", "1..2..3"), c), Catch::Contains("--range"));
    CHECK_THROWS_WITH(verify(options("x^2", "abc"), c), Catch::Contains("expected LO..HI"));
    CHECK_THROWS_WITH(verify(options("sqrt", "0..1"), c), Catch::Contains("sqrt needs 0 < LO"));
    o = options("x^2");
    o.construction = "spline";
    CHECK_THROWS_WITH(verify(o, c), Catch::Contains("--construction must be staircase, fitted or both"));
    cli::VerifyCommon exact = c;
    exact.scalar = "exact";
    CHECK_THROWS_WITH(verify(options("x^2"), exact), Catch::Contains("needs softmax"));
  }
  SECTION("search terms") {
    cli::SearchTermsOptions s;
    s.error = "0";
    CHECK_THROWS_WITH(cli::run_search_terms(s), Catch::Contains("--error must be positive"));
    s.error = "";
    CHECK_THROWS_WITH(cli::run_search_terms(s), Catch::Contains("--error is required"));
    s.error = "1e-3";
    s.range = "3..1";
    CHECK_THROWS_WITH(cli::run_search_terms(s), Catch::Contains("LO must be less than HI"));
    s.range = "";
    s.f = "cos";
    CHECK_THROWS_WITH(cli::run_search_terms(s), Catch::Contains("unknown function 'cos'"));
  }
}

TEST_CASE("sigmoid: tables parse with headers, comments and commas", "[sigmoid]") {
  const auto knots = parse_table("x,y  # header\n\n-1, 1\n# a comment\n0 0 \n 1;1\n", "t");
  REQUIRE(knots.size() == 3);
  CHECK(knots[0].x == -1);
  CHECK(knots[2].y == 1);
  CHECK_THROWS_WITH(parse_table("0 0\n1 2 3\n", "t"), Catch::Contains("t:2: expected two numbers"));
  CHECK_THROWS_WITH(parse_table("0 0\n1 z\n", "t"), Catch::Contains("t:2:"));
  const Target t = make_target(TargetKind::Table, std::nullopt, knots);
  CHECK(t.lo == -1);
  CHECK(t.hi == 1);
  CHECK_THROWS_WITH(make_target(TargetKind::Table, std::make_pair(Rational(-2), Rational(0)), knots),
                    Catch::Contains("leaves the table's x-range"));
}

TEST_CASE("sigmoid: the block is one layer of exact heads on named rows", "[sigmoid]") {
  const Target t = make_target(TargetKind::Product, std::nullopt);
  const SigmoidBlock b = build_block(t, Construction::Staircase, 8);
  REQUIRE(b.loop.layers.size() == 1);
  const LayerSpec& layer = b.loop.layers[0];
  CHECK(layer.heads.size() == 16);  // x*y: two square channels of 8 terms
  CHECK(layer.lambda == 1);
  CHECK(layer.writes == std::set<std::string>{"out"});
  CHECK(layer.reads == std::set<std::string>{"x", "y", "one", "anchor"});
  // Head i of channel 0: query a (x + y) + b * one, key the anchor indicator, value scale * c.
  const HeadSpec& h = layer.heads[3];
  const Term& term = b.channels[0].sum.terms[3];
  CHECK(h.key_dim == 1);
  REQUIRE(h.query.entries.size() == 3);
  CHECK(h.query.entries[0].col == b.layout.row("x"));
  CHECK(h.query.entries[0].value == term.a);
  CHECK(h.query.entries[1].col == b.layout.row("y"));
  CHECK(h.query.entries[1].value == term.a);
  CHECK(h.query.entries[2].col == b.layout.row("one"));
  CHECK(h.query.entries[2].value == term.b);
  REQUIRE(h.key.entries.size() == 1);
  CHECK(h.key.entries[0].col == b.layout.row("anchor"));
  CHECK(h.key.entries[0].value == 1);
  CHECK(h.value.entries[0].value == b.channels[0].scale * term.c);
  const HeadSpec& minus = layer.heads[8 + 3];  // channel 1: a (x - y) + b
  CHECK(minus.query.entries[1].value == -b.channels[1].sum.terms[3].a);
  CHECK(layer.ffn.hidden == 0);
  // The constant c0: the FFN bias on the output row (x*y's two c0 cancel: 4/4 - 4/4).
  CHECK(layer.ffn.b2.empty());
  const SigmoidBlock e = build_block(make_target(TargetKind::Exp, std::nullopt), Construction::Staircase, 8);
  REQUIRE(e.loop.layers[0].ffn.b2.size() == 1);
  CHECK(e.loop.layers[0].ffn.b2[0].first == e.layout.row("out"));
  CHECK(e.loop.layers[0].ffn.b2[0].second == e.channels[0].sum.c0);
}

TEST_CASE("sigmoid: staircase weights follow Theorem 2's construction", "[sigmoid]") {
  const Univariate f{FunctionKind::Square, -1, 1, {}};
  const SigmoidSum g = staircase(f, 4, 6);
  // h = 1/2, sharpness 12, steps at -3/4, -1/4, 1/4, 3/4, node values 1, 1/4, 0, 1/4, 1.
  CHECK(g.c0 == 1);
  REQUIRE(g.terms.size() == 4);
  CHECK(g.terms[0].a == 12);
  CHECK(g.terms[0].b == 9);
  CHECK(g.terms[0].c == Rational(-3, 4));
  CHECK(g.terms[3].c == Rational(3, 4));
  CHECK(g.node_error == 0);  // x^2 is rational at rational nodes
  const SigmoidSum e = staircase({FunctionKind::Exp, -1, 1, {}}, 4, 6);
  CHECK(e.node_error > 0);
  CHECK(e.node_error < 1e-35);
}

TEST_CASE("sigmoid: kappa and rho are upper bounds and tight (Lemmas 4 and 5)", "[sigmoid][bounds]") {
  for (const Rational& alpha : {Rational(2), Rational(6), Rational(10), Rational(23, 2)}) {
    const double a = to_double(alpha);
    // kappa: the max of |t + 1/2 - sigma(alpha t)| on a fine grid, in long double.
    long double grid_max = 0;
    for (int k = -50000; k <= 50000; ++k) {
      const long double t = k / 100000.0L;
      grid_max = std::max(grid_max, std::fabs(t + 0.5L - sigma_ld(a * t)));
    }
    const double kappa = staircase_kappa(alpha);
    CHECK(kappa >= static_cast<double>(grid_max));
    CHECK(kappa <= static_cast<double>(grid_max) * (1 + 1e-6) + 1e-12);
    // rho: the two-sided geometric sum it closes, summed directly.
    long double sum = 0;
    for (int i = 1; i < 200; ++i) sum += std::exp(-a * (i - 0.5L)) + std::exp(-a * (i + 0.5L));
    CHECK(staircase_rho(alpha) >= static_cast<double>(sum));
    CHECK(staircase_rho(alpha) <= static_cast<double>(sum) * (1 + 1e-9));
  }
}

TEST_CASE("sigmoid: the certificate encloses errors known in closed form", "[sigmoid][bounds]") {
  CertifyOptions o;
  SECTION("g = 0: max |x^2| on [-1, 1] is 1") {
    SigmoidSum zero;
    const Certificate c = certify({FunctionKind::Square, -1, 1, {}}, zero, o);
    CHECK(c.converged);
    CHECK(c.lower <= 1.0);
    CHECK(c.bound >= 1.0);
    CHECK(c.bound <= 1.0 * (1 + o.relative_tolerance));
  }
  SECTION("g = sigma exactly: the error is 0 up to interval width") {
    SigmoidSum g;
    g.terms.push_back({1, 0, 1});
    const Certificate c = certify({FunctionKind::Sigmoid, -4, 4, {}}, g, o);
    CHECK(c.bound <= c.lower + o.absolute_tolerance);
    CHECK(c.bound < 1e-29);
  }
  SECTION("g = constant 1/2 against a table: max |f - 1/2| at a knot") {
    SigmoidSum g;
    g.c0 = Rational(1, 2);
    const std::vector<Knot> knots = {{-1, 1}, {0, -1}, {1, 0}};
    const Certificate c = certify({FunctionKind::Table, -1, 1, knots}, g, o);
    CHECK(c.bound >= 1.5);  // |f(0) - 1/2| = 3/2
    CHECK(c.bound <= 1.5 * (1 + o.relative_tolerance));
  }
}

TEST_CASE("sigmoid: the rounding model is IEEE's for float and double, and has no underflow for MPFR", "[sigmoid][bounds]") {
  // From core/scalar_facts; checked here against <limits>, which knows nothing of it.
  const RoundingModel f = rounding_model(parse_scalar("float")), d = rounding_model(parse_scalar("double"));
  CHECK(f.u == std::numeric_limits<float>::epsilon() / 2);
  CHECK(f.eta == std::numeric_limits<float>::denorm_min() / 2.0);
  CHECK(f.max_finite == std::numeric_limits<float>::max());
  CHECK(d.u == std::numeric_limits<double>::epsilon() / 2);
  CHECK(d.eta == std::numeric_limits<double>::denorm_min() / 2);  // 2^-1075 rounds to 0 in double
  CHECK(d.max_finite == std::numeric_limits<double>::max());
  const RoundingModel m = rounding_model(parse_scalar("mpfr:100"));
  CHECK(m.u == std::ldexp(1.0, -100));
  CHECK(m.eta == 0);
  CHECK(std::isinf(m.max_finite));
  CHECK(rounding_model(parse_scalar("mpfr:2000")).u == std::ldexp(1.0, -1060));  // capped: still an upper bound
  CHECK(rounding_model(parse_scalar("exact")).u == 0);
}

TEST_CASE("sigmoid: the staircase bound is below 0.05 at m = 64 on every default range", "[sigmoid][bounds]") {
  for (TargetKind k : {TargetKind::Square, TargetKind::Product, TargetKind::Reciprocal, TargetKind::Sqrt, TargetKind::Exp, TargetKind::Sigmoid}) {
    const SigmoidBlock b = build_block(make_target(k, std::nullopt), Construction::Staircase, 64);
    INFO(target_name(k));
    CHECK(block_bound(b, rounding_model(parse_scalar("double"))).total < 0.05);
  }
}

TEST_CASE("sigmoid: verify --json has the fields of issue 4 and a verdict", "[sigmoid][cli]") {
  cli::VerifyCommon c;
  c.trials = 20;
  c.json = true;
  auto o = options("exp", "", 16);
  o.construction = "both";
  const auto [rc, text] = verify(o, c);
  const auto j = nlohmann::json::parse(text);
  for (const char* key : {"f", "range", "terms", "construction", "max_error", "bound", "verdict"}) CHECK(j.contains(key));
  CHECK(j["f"] == "exp");
  CHECK(j["range"] == "-1..1");
  CHECK(j["terms"] == 16);
  CHECK(j["verdict"] == "holds");
  CHECK(rc == 0);
  REQUIRE(j["results"].size() == 2);
  for (const auto& r : j["results"]) CHECK(r["max_error"].get<double>() <= r["bound"].get<double>());
  CHECK(j["results"][1]["bound_kind"] == "certified");
}

TEST_CASE("sigmoid: a table target runs end to end", "[sigmoid][cli]") {
  cli::VerifyCommon c;
  c.trials = 10;
  auto o = options("table", "", 16);
  o.table = write_temp("abs.txt", "x y\n-1 1\n0 0\n1 1\n");
  const auto [rc, text] = verify(o, c);
  CHECK(rc == 0);
  CHECK_THAT(text, Catch::Contains("holds"));
}
