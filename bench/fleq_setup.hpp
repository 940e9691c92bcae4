// What the FLEQ benchmarks share (bench/fleq_floors.cpp, fleq_loop.cpp, fleq_backprop.cpp):
// an example read from the source tree (scripts/bench.sh runs from its root, or
// LOOPCERT_SOURCE_DIR names it), and a compiled loop set up to run at a scalar T: the
// transformer instantiated with softmax attention beside its first punchcard.
#pragma once
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "compile/fleq/compiler.hpp"
#include "isa/fleq/assembler.hpp"
#include "tf/transformer.hpp"

namespace loopcert::bench {

// examples/fleq/RELATIVE in the source tree.
inline std::string fleq_example_path(const std::string& relative) {
  const char* root = std::getenv("LOOPCERT_SOURCE_DIR");
  return std::string(root ? root : ".") + "/examples/fleq/" + relative;
}

// Its text (fleq_loop.cpp pads it with idle cells before assembling).
inline std::string fleq_example_text(const std::string& relative) {
  const std::string path = fleq_example_path(relative);
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path + " (run from the source tree or set LOOPCERT_SOURCE_DIR)");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline isa::fleq::FleqProgram fleq_example(const std::string& relative) { return isa::fleq::load_fq(fleq_example_path(relative)); }

// The loop at T, ready for apply_loop(X).
template <class T>
struct FleqLoopAt {
  LoopedTransformer<T> tf;
  Matrix<T> X;
};

template <class T>
FleqLoopAt<T> fleq_loop_at(const compile::fleq::CompiledFleq& compiled) {
  return {instantiate<T>(compiled.loop, AttentionMode::Softmax), to_scalar<T>(compiled.X0)};
}

}  // namespace loopcert::bench
