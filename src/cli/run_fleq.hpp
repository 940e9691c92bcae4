// `loopcert run P.fq`: the FLEQ program on the FLEQ transformer through the generic
// lockstep driver (compile/fleq/target.hpp), or the exact FLEQ machine alone.
#pragma once
#include <memory>
#include <string>

#include "analysis/lockstep.hpp"
#include "cli/run_command.hpp"
#include "compile/fleq/target.hpp"
#include "isa/fleq/program.hpp"

namespace loopcert::cli {

// The program is FLEQ assembly (PROGRAM ends in .fq).
bool is_fleq_source(const ProgramSource& source);

// The program's loop (compile::fleq_target); the compiler's refusal or a punchcard wider
// than kMaxTransformerColumns is a UsageError naming the program.
compile::LoopTarget fleq_loop_target(const isa::fleq::FleqProgram& program, const compile::FleqTargetOptions& options,
                                     std::shared_ptr<compile::RealErrorLog> log = nullptr);

// `base` compiled as `run --scalar S` compiles it: S's unit roundoff and S itself as the
// format (its constants, and what it cannot hold refused). The searches build every
// candidate precision with it, so that each precision they report runs.
compile::FleqTargetOptions fleq_options_at(compile::FleqTargetOptions base, const ScalarSpec& scalar);
// --product-c C as c (C = 2^c); a UsageError naming the flag unless C is a power of two.
int fleq_product_c_log2(const std::string& text);

// `options`: the flags as run_command checked them. Returns the exit code.
int run_fleq(const RunArgs& args, analysis::RunOptions options);

}  // namespace loopcert::cli
