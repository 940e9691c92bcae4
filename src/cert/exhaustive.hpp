// The exhaustive certificate (issue 15): a proof by exhaustion, with no rounding model,
// that a SUBLEQ program's looped transformer is correct forever at a given scalar.
//
// The argument. Start from the encoding of EVERY valid machine state of the program
// (every pc of its command table, every N-bit value of every cell), run one loop of the
// transformer at the scalar T, and check that the punchcard decodes to the machine's
// successor state. The punchcards a loop produces are rarely the exact encodings (the
// state rows carry rounding of an ulp or so), so the same check is repeated from every
// punchcard produced that has not been seen before, bit for bit, until no new one
// appears: the set of punchcards is then closed under the loop. Every punchcard that any
// run, from any valid initial state, can reach after any number of loops is in that set
// (induction on the loop count), and each was checked to decode to the machine's state
// of that step. The engine is deterministic (the same bits in give the same bits out),
// so the certificate holds for this build's engine at T; no rounding model is assumed.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compile/subleq/compiler.hpp"
#include "core/scalar_name.hpp"
#include "isa/subleq/program.hpp"

namespace loopcert::cert {

enum class Verdict { Certified, Refuted, Unknown };
std::string to_string(Verdict v);

// A state the transformer gets wrong: run `loopcert run` from it to see the divergence.
struct Witness {
  int pc = 0;
  std::vector<std::int64_t> memory;   // the state the loop started from
  int expected_pc = 0;                // the machine's successor
  std::vector<std::int64_t> expected_memory;
  std::string got;                    // what the punchcard decoded to, or why it did not
  int loops_from_encoding = 0;        // loops from the exact encoding of some state to this punchcard
};

struct ExhaustiveOptions {
  ScalarSpec scalar;
  double tolerance = 0.25;                   // decode tolerance
  std::int64_t max_states = 1 << 22;         // refuse before enumerating more machine states
  std::int64_t max_punchcards = 1 << 23;     // give up (unknown) beyond this many distinct punchcards
  std::int64_t max_bytes = std::int64_t(4) << 30;  // ... or beyond this much memory for the punchcards kept
  std::function<void(std::int64_t done, std::int64_t known)> progress;  // optional
};

struct ExhaustiveCertificate {
  Verdict verdict = Verdict::Unknown;
  std::string scalar, lambda;
  std::int64_t states = 0;        // machine states enumerated
  std::int64_t punchcards = 0;    // distinct punchcards checked (the closed set)
  int rounds = 0;                 // loops until the set closed
  std::optional<Witness> witness; // refuted
  std::string reason;             // unknown: the step that did not close; refuted: what failed
  std::string sound_for;          // what the verdict is a proof about
  double seconds = 0;
};

// Number of valid states of `program` (commands x 2^(N x cells)), or -1 above 2^62.
std::int64_t valid_state_count(const isa::SubleqProgram& program);

// Certifies `compiled` (the program's loop, possibly altered by the caller, e.g. a
// deliberately broken weight) at options.scalar. Throws std::invalid_argument when the
// state space exceeds options.max_states or the scalar cannot run.
ExhaustiveCertificate certify_exhaustive(const isa::SubleqProgram& program, const compile::CompiledSubleq& compiled,
                                         const ExhaustiveOptions& options);

}  // namespace loopcert::cert
