#include "cert/exhaustive.hpp"

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <unordered_set>

#include "core/scalar_dispatch.hpp"
#include "isa/subleq/machine.hpp"
#include "isa/subleq/twos_complement.hpp"
#include "tf/transformer.hpp"

namespace loopcert::cert {

std::string to_string(Verdict v) {
  switch (v) {
    case Verdict::Certified: return "certified";
    case Verdict::Refuted: return "refuted";
    case Verdict::Unknown: return "unknown";
  }
  return "?";
}

std::int64_t valid_state_count(const isa::SubleqProgram& program) {
  const long long bits = static_cast<long long>(program.bits) * program.cells();
  if (bits > 62 - 20) return -1;  // with up to 2^20 commands, beyond 2^62
  const std::int64_t memories = std::int64_t(1) << bits;
  return memories * program.command_count();
}

namespace {

// The exact bits of one entry, as bytes: equal strings <=> equal values of T (and the
// same sign of zero), so the set of punchcards seen is kept without hashing collisions.
template <class T>
void append_bits(std::string& out, const T& x) {
  if constexpr (std::is_same_v<T, long double>) {
    out.append(reinterpret_cast<const char*>(&x), 10);  // the 80 significant bits; the rest is padding
  } else if constexpr (std::is_same_v<T, Float128>) {
    const __float128 q = x.backend().value();
    out.append(reinterpret_cast<const char*>(&q), sizeof q);
  } else if constexpr (std::is_same_v<T, MpfrReal>) {
    mpfr_exp_t e = 0;
    char* s = mpfr_get_str(nullptr, &e, 16, 0, x.raw(), MPFR_RNDN);
    out += s;
    out += '@' + std::to_string(e) + ';';
    mpfr_free_str(s);
  } else if constexpr (std::is_same_v<T, Rational>) {
    out += x.str() + ';';
  } else if constexpr (requires { x.value(); }) {
    append_bits(out, x.value());  // emulated formats and narrow MPFR: their carrier's bits
  } else {
    out.append(reinterpret_cast<const char*>(&x), sizeof x);
  }
}

std::vector<std::int64_t> unpack(std::int64_t packed, int cells, int bits) {
  std::vector<std::int64_t> memory(cells);
  for (int m = 0; m < cells; ++m) {
    const std::uint64_t field = (static_cast<std::uint64_t>(packed) >> (m * bits)) & ((std::uint64_t(1) << bits) - 1);
    memory[m] = isa::wrap_signed(static_cast<std::int64_t>(field), bits);
  }
  return memory;
}

std::int64_t pack(const std::vector<std::int64_t>& memory, int bits) {
  std::uint64_t packed = 0;
  const std::uint64_t mask = (std::uint64_t(1) << bits) - 1;
  for (std::size_t m = 0; m < memory.size(); ++m) packed |= (static_cast<std::uint64_t>(memory[m]) & mask) << (m * bits);
  return static_cast<std::int64_t>(packed);
}

template <class T>
class Closure {
 public:
  Closure(const isa::SubleqProgram& p, const compile::CompiledSubleq& c, const ExhaustiveOptions& o)
      : program_(p), compiled_(c), options_(o),
        tf_(instantiate<T>(c.loop, ScalarTraits<T>::exact ? AttentionMode::Hardmax : AttentionMode::Softmax)) {}

  ExhaustiveCertificate run() {
    ExhaustiveCertificate out;
    const std::int64_t memories = std::int64_t(1) << (program_.bits * program_.cells());
    for (int pc = 0; pc < program_.command_count() && out.verdict != Verdict::Refuted; ++pc)
      for (std::int64_t packed = 0; packed < memories; ++packed) {
        isa::MachineState s{pc, unpack(packed, program_.cells(), program_.bits), false};
        s.halted = isa::is_halt(program_, s);
        if (!explore(encoding(s), s, out)) return out;
        ++out.states;
      }
    out.verdict = Verdict::Certified;
    return out;
  }

 private:
  const isa::SubleqProgram& program_;
  const compile::CompiledSubleq& compiled_;
  const ExhaustiveOptions& options_;
  LoopedTransformer<T> tf_;
  std::unordered_set<std::string> seen_;
  std::int64_t bytes_ = 0;

  Matrix<T> encoding(const isa::MachineState& s) const {
    return to_scalar<T>(compile::encode(compiled_.layout, program_, s.pc, s.memory));
  }

  // The punchcard's identity: its state and every entry's bits.
  std::string key(const isa::MachineState& s, const Matrix<T>& X) const {
    std::string k = std::to_string(s.pc) + ':' + std::to_string(pack(s.memory, program_.bits)) + ':';
    for (Eigen::Index i = 0; i < X.size(); ++i) append_bits(k, X.data()[i]);
    return k;
  }

  // Checks X (decoding to s) and everything it leads to that is new. False when done early.
  bool explore(Matrix<T> X, isa::MachineState s, ExhaustiveCertificate& out) {
    int loops = 0;
    while (true) {
      std::string k = key(s, X);
      bytes_ += static_cast<std::int64_t>(k.size()) + 64;  // the key and the set's node
      if (!seen_.insert(std::move(k)).second) break;
      if (static_cast<std::int64_t>(seen_.size()) > options_.max_punchcards || bytes_ > options_.max_bytes) {
        out.reason = "the set of punchcards did not close within " + std::to_string(seen_.size() - 1) + " distinct punchcards (" +
                     (bytes_ > options_.max_bytes ? std::to_string(options_.max_bytes >> 20) + " MiB of memory" : std::string("--max-punchcards")) +
                     ")";
        return false;
      }
      out.punchcards = static_cast<std::int64_t>(seen_.size());
      if (options_.progress && out.punchcards % 4096 == 0) options_.progress(out.states, out.punchcards);
      const isa::MachineState next = isa::step(program_, s);
      tf_.apply_loop(X);
      ++loops;
      out.rounds = std::max(out.rounds, loops);
      if (next.pc < 0 || next.pc >= program_.command_count()) {
        out.reason = "the machine falls past the last command from pc " + std::to_string(s.pc) + " (end the program with a halt)";
        return false;
      }
      if (auto why = mismatch(X, next)) {
        out.verdict = Verdict::Refuted;
        out.reason = *why;
        out.witness = Witness{s.pc, s.memory, next.pc, next.memory, *why, loops - 1};
        return false;
      }
      s = next;
    }
    return true;
  }

  std::optional<std::string> mismatch(const Matrix<T>& X, const isa::MachineState& expected) const {
    if (auto bad = LoopedTransformer<T>::find_non_finite(X))
      return "a non-finite value at row " + compiled_.layout.describe_row(bad->row);
    Matrix<double> D(X.rows(), X.cols());
    for (Eigen::Index i = 0; i < X.size(); ++i) D.data()[i] = ScalarTraits<T>::to_double(X.data()[i]);
    const compile::DecodedState got = compile::decode(compiled_.layout, program_, D, options_.tolerance);
    if (got.invalid) return "not a valid state: " + got.invalid->where;
    if (got.pc != expected.pc) return "pc " + std::to_string(got.pc) + " instead of " + std::to_string(expected.pc);
    for (int m = 0; m < program_.cells(); ++m)
      if (got.memory[m] != expected.memory[m])
        return "cell " + program_.cell_names[m] + " = " + std::to_string(got.memory[m]) + " instead of " +
               std::to_string(expected.memory[m]);
    return std::nullopt;
  }
};

std::string sound_for(const ExhaustiveOptions& o, const isa::SubleqProgram& p) {
  return "this command table with every pc and every " + std::to_string(p.bits) + "-bit value of its " +
         std::to_string(p.cells()) + " cells, for any number of loops, in this build's engine at " + o.scalar.name() +
         " (each loop as computed here, bit for bit; no rounding model assumed)";
}

}  // namespace

ExhaustiveCertificate certify_exhaustive(const isa::SubleqProgram& program, const compile::CompiledSubleq& compiled,
                                         const ExhaustiveOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const std::int64_t states = valid_state_count(program);
  if (states < 0 || states > options.max_states)
    throw std::invalid_argument("the program has " + (states < 0 ? std::string("more than 2^62") : std::to_string(states)) +
                                " valid states (commands x 2^(N x cells)); the exhaustive certificate enumerates at most " +
                                std::to_string(options.max_states) + " (--max-states)");
  ExhaustiveCertificate out = dispatch_scalar(
      options.scalar, [&]<class T>(ScalarTag<T>) { return Closure<T>(program, compiled, options).run(); },
      DispatchOptions{false, nullptr});
  out.scalar = options.scalar.name();
  out.lambda = compiled.params.lambda.str();
  out.sound_for = sound_for(options, program);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

}  // namespace loopcert::cert
