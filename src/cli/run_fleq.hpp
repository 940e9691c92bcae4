// `loopcert run P.fq`: the FLEQ program on the FLEQ transformer through the generic
// lockstep driver (compile/fleq/target.hpp), or the exact FLEQ machine alone.
#pragma once
#include <string>

#include "analysis/lockstep.hpp"
#include "cli/run_command.hpp"

namespace loopcert::cli {

// The program is FLEQ assembly (PROGRAM ends in .fq).
bool is_fleq_source(const ProgramSource& source);

// `options`: the flags as run_command checked them. Returns the exit code.
int run_fleq(const RunArgs& args, analysis::RunOptions options);

}  // namespace loopcert::cli
