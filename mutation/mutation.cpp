// Mutation testing of the SUBLEQ construction (issue 16, `make mutation`): perturb one
// exact weight of the loop at a time and see whether a check notices.
//
// The program is examples/certify/tiny3.sq: small enough that the exhaustive certificate
// (cert/exhaustive.hpp) runs on every mutant. For every (layer, matrix) of its LoopSpec -
// each head's Q, K, V, the ReLU sublayer's W1, b1, W2, b2 - a documented sample of
// entries (all of them when there are at most --per-matrix, else evenly spaced) is
// perturbed by each of six amounts, from 1 + 2^-30 to a sign flip and zero. A mutant is
//   killed by lockstep      when the program's own run diverges from the machine,
//   killed by certificate   when some other valid state diverges (a refuted certificate),
//   not closed              when the set of punchcards does not close within 50000 (the
//                           original closes at 2243): the mutant drifts; neither verdict,
//   a survivor              when it is certified: correct for every valid state and any
//                           number of loops, so the change stayed within the construction's
//                           slack (the snap and correction thresholds absorb it) - proved,
//                           not assumed.
// Prints a Markdown table per layer and matrix, and the totals.
#include <cstdio>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cert/exhaustive.hpp"
#include "compile/subleq/compiler.hpp"
#include "isa/subleq/assembler.hpp"
#include "isa/subleq/machine.hpp"
#include "report/markdown.hpp"
#include "tf/transformer.hpp"

using namespace loopcert;

namespace {

struct Perturbation {
  const char* name;
  Rational factor;  // new = old * factor (0: set to zero)
};
const std::vector<Perturbation> kPerturbations = {
    {"x(1+2^-30)", Rational(1) + pow2(-30)}, {"x(1+2^-10)", Rational(1) + pow2(-10)}, {"x1.25", Rational(5, 4)},
    {"x2", Rational(2)}, {"x(-1)", Rational(-1)}, {"0", Rational(0)}};

// Every weight of the loop as (layer, matrix name, a pointer to its exact value).
struct Site {
  int layer;
  std::string matrix;
  Rational* value;
};

std::vector<Site> sites_of(LoopSpec& loop) {
  std::vector<Site> out;
  for (int l = 0; l < static_cast<int>(loop.layers.size()); ++l) {
    LayerSpec& layer = loop.layers[l];
    for (auto& h : layer.heads) {
      for (auto& e : h.query.entries) out.push_back({l, h.name + ".Q", &e.value});
      for (auto& e : h.key.entries) out.push_back({l, h.name + ".K", &e.value});
      for (auto& e : h.value.entries) out.push_back({l, h.name + ".V", &e.value});
    }
    for (auto& e : layer.ffn.w1.entries) out.push_back({l, "W1", &e.value});
    for (auto& b : layer.ffn.b1) out.push_back({l, "b1", &b});
    for (auto& e : layer.ffn.w2.entries) out.push_back({l, "W2", &e.value});
    for (auto& [row, b] : layer.ffn.b2) out.push_back({l, "b2", &b});
  }
  return out;
}

bool lockstep_agrees(const isa::SubleqProgram& p, const compile::CompiledSubleq& c, int loops) {
  auto tf = instantiate<double>(c.loop, AttentionMode::Softmax);
  Matrix<double> X = to_scalar<double>(c.X0);
  isa::MachineState s = isa::initial_state(p);
  for (int k = 0; k < loops; ++k) {
    tf.apply_loop(X);
    s = isa::step(p, s);
    if (LoopedTransformer<double>::find_non_finite(X)) return false;
    const auto got = compile::decode(c.layout, p, X, 0.25);
    if (got.invalid || got.pc != s.pc || got.memory != s.memory) return false;
  }
  return true;
}

struct Tally {
  int mutants = 0, by_lockstep = 0, by_certificate = 0, not_proved = 0, survivors = 0;
  std::set<std::string> surviving;  // the perturbations that some weight of the group survived
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: loopcert_mutation SOURCE_DIR [PER_MATRIX]\n";
    return 2;
  }
  const std::string source = argv[1];
  const std::size_t per_matrix = argc > 2 ? std::stoul(argv[2]) : 6;
  const isa::SubleqProgram program = isa::load_sq(source + "/examples/certify/tiny3.sq");
  blocks::BlockParams params;
  params.lambda = 3;
  const compile::CompiledSubleq original = compile::compile_subleq(program, params);
  cert::ExhaustiveOptions options;
  options.scalar = parse_scalar("double");
  options.max_punchcards = 50000;  // the original closes with 2243; a mutant that drifts never closes
  if (cert::certify_exhaustive(program, original, options).verdict != cert::Verdict::Certified) {
    std::cerr << "the unmutated construction is not certified: nothing to measure\n";
    return 1;
  }
  compile::CompiledSubleq mutant = original;
  const std::vector<Site> sites = sites_of(mutant.loop);
  std::map<std::pair<int, std::string>, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < sites.size(); ++i) groups[{sites[i].layer, sites[i].matrix}].push_back(i);
  std::map<std::pair<int, std::string>, Tally> tallies;
  for (const auto& [group, members] : groups) {
    const std::size_t step = members.size() <= per_matrix ? 1 : members.size() / per_matrix;
    for (std::size_t k = 0; k < members.size() && k / step < per_matrix; k += step) {
      Rational& weight = *sites[members[k]].value;
      const Rational saved = weight;
      for (const auto& p : kPerturbations) {
        weight = saved * p.factor;
        if (weight == saved) continue;  // a zero weight times anything, or zero set to zero
        Tally& t = tallies[group];
        ++t.mutants;
        if (!lockstep_agrees(program, mutant, 40)) {
          ++t.by_lockstep;
        } else if (const auto v = cert::certify_exhaustive(program, mutant, options).verdict; v == cert::Verdict::Refuted) {
          ++t.by_certificate;
        } else if (v == cert::Verdict::Unknown) {
          ++t.not_proved;  // the set of punchcards did not close: neither killed nor proved harmless
        } else {
          ++t.survivors;
          t.surviving.insert(p.name);
        }
      }
      weight = saved;
    }
  }
  report::MarkdownTable table{{"layer", "matrix", "weights", "mutants", "killed: lockstep", "killed: certificate", "not closed", "survivors (certified)", "perturbations survived"},
                              {}, {false, false, true, true, true, true, true, true, false}};
  Tally total;
  for (const auto& [group, t] : tallies) {
    const LayerSpec& layer = original.loop.layers[group.first];
    std::string examples;
    for (const auto& p : kPerturbations)
      if (t.surviving.count(p.name)) examples += (examples.empty() ? "" : ", ") + std::string(p.name);
    table.add({layer.name, group.second, std::to_string(groups[group].size()), std::to_string(t.mutants), std::to_string(t.by_lockstep),
               std::to_string(t.by_certificate), std::to_string(t.not_proved), std::to_string(t.survivors), examples});
    total.mutants += t.mutants;
    total.by_lockstep += t.by_lockstep;
    total.by_certificate += t.by_certificate;
    total.survivors += t.survivors;
    total.not_proved += t.not_proved;
  }
  std::cout << table.str() << "\n"
            << fmt::format("total: {} mutants of {} weights, {} killed by lockstep, {} by the certificate, {} not closed "
                           "(within 50000 punchcards), {} survivors (each certified correct for every valid state)\n",
                           total.mutants, sites.size(), total.by_lockstep, total.by_certificate, total.not_proved, total.survivors);
  return 0;
}
