#include "report/certificate_report.hpp"

#include <fmt/format.h>

namespace loopcert::report {

namespace {

std::string memory_text(const std::vector<std::int64_t>& memory) {
  std::string s = "[";
  for (std::size_t i = 0; i < memory.size(); ++i) s += (i ? ", " : "") + std::to_string(memory[i]);
  return s + "]";
}

}  // namespace

void write_text(std::ostream& out, const std::string& program, const cert::ExhaustiveCertificate& c) {
  out << fmt::format("{}: {} at {}, lambda {} (exhaustive)\n", program, cert::to_string(c.verdict), c.scalar, c.lambda);
  switch (c.verdict) {
    case cert::Verdict::Certified:
      out << fmt::format("  sound for: {}\n", c.sound_for);
      out << fmt::format("  proof: {} valid states encoded, {} distinct punchcards checked (the set closes under the loop "
                         "after at most {} loops from an encoding), {:.2f} s\n",
                         c.states, c.punchcards, c.rounds, c.seconds);
      break;
    case cert::Verdict::Refuted:
      out << fmt::format("  witness: from pc {} with memory {} ({} loop(s) after that state's exact encoding), the loop gives {};"
                         " the machine goes to pc {} with memory {}\n",
                         c.witness->pc, memory_text(c.witness->memory), c.witness->loops_from_encoding, c.witness->got,
                         c.witness->expected_pc, memory_text(c.witness->expected_memory));
      break;
    case cert::Verdict::Unknown:
      out << fmt::format("  not proved: {} ({} states, {} punchcards checked)\n", c.reason, c.states, c.punchcards);
      break;
  }
}

Json to_json(const std::string& program, const cert::ExhaustiveCertificate& c) {
  Json j;
  j["program"] = program;
  j["method"] = "exhaustive";
  j["verdict"] = cert::to_string(c.verdict);
  j["scalar"] = c.scalar;
  j["lambda"] = c.lambda;
  j["sound_for"] = c.sound_for;
  j["states"] = c.states;
  j["punchcards"] = c.punchcards;
  j["rounds"] = c.rounds;
  j["reason"] = c.reason.empty() ? Json(nullptr) : Json(c.reason);
  if (c.witness) {
    j["witness"] = {{"pc", c.witness->pc},
                    {"memory", c.witness->memory},
                    {"loops_from_encoding", c.witness->loops_from_encoding},
                    {"got", c.witness->got},
                    {"expected_pc", c.witness->expected_pc},
                    {"expected_memory", c.witness->expected_memory}};
  } else {
    j["witness"] = nullptr;
  }
  j["seconds"] = c.seconds;
  return j;
}

}  // namespace loopcert::report
